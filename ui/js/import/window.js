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

/** An import table row's height before it is measured: its padding plus one text line per
 * `lines` (at least one), as css/import.css lays them out. */
export function estimatedRowHeight(lines) {
  return 17 + 21 * Math.max(1, lines);
}

/**
 * A virtualized table body: `tbody` holds only the items of the list in view of the scrolling
 * `wrap` (plus a margin), between two spacer rows (`colspan` cells wide) standing for the rest.
 * `render(item)` builds an item's row; `key(item)` names it, so its height, measured once it is
 * rendered, is kept; `estimate(item)` guesses the height of a row not rendered yet.
 */
export function virtualBody({ doc, wrap, tbody, colspan, render, key, estimate }) {
  let list = [];
  let win = { first: -1, last: -1 };
  const measured = new Map();
  const spacer = () => {
    const td = doc.createElement("td");
    td.setAttribute("colspan", String(colspan));
    const tr = doc.createElement("tr");
    tr.className = "virtual-spacer";
    tr.setAttribute("aria-hidden", "true");
    tr.append(td);
    return { tr, td };
  };
  const above = spacer();
  const below = spacer();
  const setHeight = ({ tr, td }, px) => {
    if (td.style) td.style.height = `${px}px`;
    tr.hidden = px === 0;
  };

  /** Puts the items in view in the DOM when the window moved, or when `force`d. */
  function paint(force = false) {
    const heights = list.map((item) => measured.get(key(item)) ?? estimate(item));
    const { first, last, before, after } = windowByHeights(heights, wrap.scrollTop || 0, wrap.clientHeight || 600);
    setHeight(above, before);
    setHeight(below, after);
    if (!force && first === win.first && last === win.last) return;
    win = { first, last };
    const slice = list.slice(first, last);
    const rows = slice.map(render);
    tbody.replaceChildren(above.tr, ...rows, below.tr);
    rows.forEach((tr, i) => {
      if (tr.offsetHeight > 0) measured.set(key(slice[i]), tr.offsetHeight);
    });
  }
  wrap.addEventListener("scroll", () => paint());

  return {
    /** Shows `items` from the top of what is scrolled to (the filter changed, or all of it). */
    show(items) {
      list = items;
      paint(true);
    },
    /** Items were added at the end: rendered only if they reach into view. */
    grew() {
      paint();
    },
    /** Some shown items changed: the rows in view are built again. */
    changed() {
      paint(true);
    },
    /** A new list starts: forget the heights measured. */
    forget() {
      measured.clear();
      win = { first: -1, last: -1 };
    },
  };
}
