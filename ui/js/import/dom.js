// A tiny element builder for the import screen, which builds its own markup (so it runs in Node
// against tests/ui/fake-dom.mjs). Only properties, attributes, children and listeners: no
// innerHTML, no inline style attributes (the CSP forbids them).

/**
 * h(doc, "button", { className: "button", testid: "apply", onclick: fn, attrs: { "aria-label": "x" } },
 *   ...children) — strings become text (a span when mixed with elements).
 */
export function h(doc, tag, props = {}, ...children) {
  const el = doc.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === "testid") el.dataset.testid = value;
    else if (key === "attrs") for (const [name, v] of Object.entries(value)) el.setAttribute(name, v);
    else if (key === "data") Object.assign(el.dataset, value);
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el[key] = value;
  }
  const kids = children.flat().filter((c) => c !== null && c !== undefined && c !== false);
  if (kids.length === 1 && typeof kids[0] !== "object") el.textContent = String(kids[0]);
  else
    el.append(
      ...kids.map((c) => (typeof c === "object" ? c : h(doc, "span", {}, String(c)))),
    );
  return el;
}

/** Every descendant of `root` whose data-testid is `testid` (fake DOM and real DOM alike). */
export function byTestid(root, testid) {
  if (root.querySelectorAll) return [...root.querySelectorAll(`[data-testid="${testid}"]`)];
  return root.findAll((n) => n.dataset?.testid === testid);
}

/** Moves focus when the DOM supports it. */
export function focus(el) {
  el?.focus?.();
}
