// Small DOM builders for the user panel. Only createElement, append, textContent, dataset,
// attributes, properties and listeners: the same subset the Node tests' fake DOM provides.

const PROPERTIES = new Set(["hidden", "disabled", "value", "type", "title", "checked", "min", "max"]);

/**
 * An element: `props` keys are `class`, `testid`, `text`, `on<event>`, DOM properties (hidden,
 * disabled, value, …) or attributes; children are elements or strings (wrapped in a span).
 */
export function h(doc, tag, props = {}, ...children) {
  const e = doc.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === "class") e.className = value;
    else if (key === "testid") e.dataset.testid = value;
    else if (key === "text") e.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") e.addEventListener(key.slice(2), value);
    else if (PROPERTIES.has(key)) e[key] = value;
    else e.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    e.append(typeof child === "string" ? h(doc, "span", { text: child }) : child);
  }
  return e;
}

/** A coloured label: variant ok | off | info | warn | neutral. */
export function pill(doc, text, variant = "neutral", testid) {
  return h(doc, "span", { class: `pill pill-${variant}`, text, testid });
}

/** The sentence saying why a control is disabled (nothing when it is allowed). */
export function reason(doc, verdict, testid) {
  if (!verdict || verdict.allowed || !verdict.reason) return null;
  return h(doc, "p", { class: "user-reason", testid, text: verdict.reason });
}

/** Warnings worth reading before the click. */
export function warnings(doc, list, testid) {
  if (!list?.length) return null;
  return h(doc, "ul", { class: "user-notes", testid }, list.map((w) => h(doc, "li", { text: w })));
}

/** A button whose disabled state and tooltip follow a verdict from Rust. */
export function actionButton(doc, text, verdict, props = {}) {
  return h(doc, "button", {
    type: "button",
    class: "button small",
    text,
    disabled: verdict ? !verdict.allowed : false,
    title: verdict && !verdict.allowed ? verdict.reason ?? "" : "",
    ...props,
  });
}

/** A titled block of the panel. */
export function section(doc, title, testid, ...children) {
  return h(doc, "section", { class: "user-section", testid }, h(doc, "h3", { text: title }), ...children);
}

/** YYYY-MM-DD of an RFC 3339 time ("" when unknown). */
export function day(text) {
  return typeof text === "string" ? text.slice(0, 10) : "";
}
