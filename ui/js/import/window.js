// The visible window of a virtualized table whose rows differ in height (a preview row grows with
// its changes and notes): only the rows in view, plus a margin, are in the DOM, between two
// spacers standing for the rest. Heights are estimated until a row has been rendered and measured.

/**
 * Rows `first..last` of a list with `heights` (px) that cover `scrollTop..scrollTop+viewHeight`
 * plus `margin` px either side, and the heights the spacers above and below must have.
 */
export function windowByHeights(heights, scrollTop, viewHeight, margin = 400) {
  let y = 0;
  let first = 0;
  while (first < heights.length && y + heights[first] < scrollTop - margin) y += heights[first++];
  const before = y;
  let last = first;
  while (last < heights.length && y < scrollTop + viewHeight + margin) y += heights[last++];
  let after = 0;
  for (let i = last; i < heights.length; i++) after += heights[i];
  return { first, last, before, after };
}
