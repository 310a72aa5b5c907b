// Unit tests for ui/js/dom.js, the element builder every screen uses, against the fake DOM.
// Run: node --test tests/ui/

import assert from "node:assert/strict";
import { test } from "node:test";

import { byTestid, h, pill } from "../../ui/js/dom.js";
import { fakeDocument } from "./fake-dom.mjs";

test("props: testid, text, data, attrs, dashed names, listeners and properties", () => {
  const doc = fakeDocument();
  const clicks = [];
  const e = h(doc, "button", {
    testid: "go",
    text: "Go",
    data: { line: "3" },
    attrs: { role: "switch", maxlength: 2, skipped: undefined },
    "aria-label": "Go now",
    "data-kind": "x",
    onclick: (ev) => clicks.push(ev.type),
    className: "button small",
    disabled: true,
    title: null,
  });
  assert.equal(e.tagName, "BUTTON");
  assert.deepEqual(e.dataset, { testid: "go", line: "3" });
  assert.equal(e.textContent, "Go");
  assert.equal(e.getAttribute("role"), "switch");
  assert.equal(e.getAttribute("maxlength"), "2");
  assert.equal(e.getAttribute("skipped"), null);
  assert.equal(e.getAttribute("aria-label"), "Go now");
  assert.equal(e.getAttribute("data-kind"), "x");
  assert.equal(e.className, "button small");
  assert.equal(e.disabled, true);
  assert.equal(e.title, "", "a null prop is skipped");
  e.dispatch("click");
  assert.deepEqual(clicks, ["click"]);
});

test("children: a lone string or number is the text; mixed with elements each is a span", () => {
  const doc = fakeDocument();
  const lone = h(doc, "td", {}, 42);
  assert.equal(lone.children.length, 0);
  assert.equal(lone.textContent, "42");

  const b = h(doc, "b", {}, "bold");
  const mixed = h(doc, "p", {}, "a ", b, [" c", null, false, undefined]);
  assert.deepEqual(
    mixed.children.map((c) => [c.tagName, c.textContent]),
    [["SPAN", "a "], ["B", "bold"], ["SPAN", " c"]],
  );
  assert.equal(mixed.textContent, "a bold c");
});

test("pill and byTestid", () => {
  const doc = fakeDocument();
  const root = h(doc, "div", {}, pill(doc, "Enabled", "ok", "state"), pill(doc, "Member"));
  const [state] = byTestid(root, "state");
  assert.equal(state.className, "pill pill-ok");
  assert.equal(state.textContent, "Enabled");
  assert.equal(root.children[1].className, "pill pill-neutral");
});
