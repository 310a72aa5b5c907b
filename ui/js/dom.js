// The one element builder every screen uses, and the small helpers around it. Only createElement,
// append, textContent, dataset, attributes, properties and listeners — no innerHTML, no inline
// style attributes (the CSP forbids them): the subset tests/ui/fake-dom.mjs provides, so every
// screen runs in Node.

/**
 * h(doc, tag, props, ...children) — an element.
 * `props`: `testid` (data-testid), `text` (textContent), `data` ({ key: value } into dataset),
 * `attrs` ({ name: value } as attributes: role, for, maxlength, …), `on<event>` (a listener), a
 * name with a dash (`aria-*`, `data-*`: an attribute), anything else the DOM property of that
 * name (className, hidden, disabled, value, type, title, checked, tabIndex, …). null and
 * undefined values are skipped.
 * `children`: elements, or strings and numbers — a lone one becomes the element's text, mixed
 * with elements each becomes a span. Arrays are flattened; null, undefined and false skipped.
 */
export function h(doc, tag, props = {}, ...children) {
  const el = doc.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === "testid") el.dataset.testid = value;
    else if (key === "text") el.textContent = value;
    else if (key === "data") Object.assign(el.dataset, value);
    else if (key === "attrs") setAttributes(el, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key.includes("-")) el.setAttribute(key, String(value));
    else el[key] = value;
  }
  const kids = children.flat().filter((c) => c !== null && c !== undefined && c !== false);
  if (kids.length === 1 && typeof kids[0] !== "object") el.textContent = String(kids[0]);
  else if (kids.length) el.append(...kids.map((c) => (typeof c === "object" ? c : h(doc, "span", {}, String(c)))));
  return el;
}

function setAttributes(el, attrs) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) el.setAttribute(name, String(value));
  }
}

/** A coloured label: variant ok | off | info | warn | neutral. */
export function pill(doc, text, variant = "neutral", testid) {
  return h(doc, "span", { className: `pill pill-${variant}`, testid }, text);
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
