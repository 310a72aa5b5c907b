// The user panel's building blocks over the shared element builder (../dom.js): the reason a
// control is disabled, warnings, action buttons whose state follows a verdict from Rust, titled
// sections, dates.

import { h } from "../dom.js";

/** The sentence saying why a control is disabled (nothing when it is allowed). */
export function reason(doc, verdict, testid) {
  if (!verdict || verdict.allowed || !verdict.reason) return null;
  return h(doc, "p", { className: "user-reason", testid, text: verdict.reason });
}

/** Warnings worth reading before the click. */
export function warnings(doc, list, testid) {
  if (!list?.length) return null;
  return h(doc, "ul", { className: "user-notes", testid }, list.map((w) => h(doc, "li", { text: w })));
}

/** A button whose disabled state and tooltip follow a verdict from Rust. */
export function actionButton(doc, text, verdict, props = {}) {
  return h(doc, "button", {
    type: "button",
    className: "button small",
    text,
    disabled: verdict ? !verdict.allowed : false,
    title: verdict && !verdict.allowed ? verdict.reason ?? "" : "",
    ...props,
  });
}

/** A titled block of the panel. */
export function section(doc, title, testid, ...children) {
  return h(doc, "section", { className: "user-section", testid }, h(doc, "h3", { text: title }), ...children);
}

/** YYYY-MM-DD of an RFC 3339 time ("" when unknown). */
export function day(text) {
  return typeof text === "string" ? text.slice(0, 10) : "";
}
