// Unit tests for ui/js/users.js and ui/js/errors.js against a fake api and a fake DOM.
// Run: node --test tests/ui/

import assert from "node:assert/strict";
import { test } from "node:test";

import { describeError, errorRegion } from "../../ui/js/errors.js";
import { initials, mountUsers } from "../../ui/js/users.js";
import { fakeDocument, fakeTimers } from "./fake-dom.mjs";

const ADELE = {
  id: "1",
  displayName: "Adele Vance",
  userPrincipalName: "adele@contoso.example",
  source: "synced",
  accountEnabled: true,
  userType: "member",
};
const ALEX = {
  id: "2",
  displayName: "Alex Wilber",
  userPrincipalName: "alex@contoso.example",
  source: "cloud",
  accountEnabled: false,
  userType: "guest",
};

/** A deferred promise per call, so a test decides when and in which order answers arrive. */
function fakeApi() {
  const calls = [];
  return {
    calls,
    listUsers(query) {
      let resolve, reject;
      const promise = new Promise((res, rej) => {
        resolve = res;
        reject = rej;
      });
      calls.push({ query, resolve, reject });
      return promise;
    },
  };
}

function setup() {
  const doc = fakeDocument();
  const el = (tag = "div") => doc.createElement(tag);
  const elements = {
    input: el("input"),
    tbody: el("tbody"),
    count: el("span"),
    empty: el("p"),
    loading: el("p"),
    wrap: el("div"),
  };
  const errorElement = el("div");
  errorElement.hidden = true;
  const api = fakeApi();
  const timers = fakeTimers();
  const users = mountUsers({ api, elements, errors: errorRegion(errorElement), timers });
  const rows = () => elements.tbody.findAll((n) => n.dataset.testid === "user-row");
  const cells = (row) => Object.fromEntries(row.children.map((td) => [td.dataset.col, td.textContent]));
  return { api, elements, errorElement, timers, users, rows, cells };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

test("renders one row per user with readable labels", async () => {
  const { api, elements, users, rows, cells } = setup();
  const done = users.search("");
  api.calls[0].resolve([ADELE, ALEX]);
  await done;
  assert.equal(rows().length, 2);
  assert.deepEqual(cells(rows()[0]), {
    name: "AVAdele Vance",
    upn: "adele@contoso.example",
    source: "Synced",
    status: "Enabled",
    type: "Member",
  });
  assert.deepEqual(cells(rows()[1]), {
    name: "AWAlex Wilber",
    upn: "alex@contoso.example",
    source: "Cloud",
    status: "Disabled",
    type: "Guest",
  });
  assert.equal(elements.count.textContent, "2 shown");
  assert.equal(elements.empty.hidden, true);
  assert.equal(elements.loading.hidden, true);
});

test("typing searches once, after the debounce", async () => {
  const { api, elements, timers } = setup();
  for (const value of ["a", "ad", "ade"]) {
    elements.input.value = value;
    elements.input.dispatch("input");
    timers.advance(100);
  }
  assert.equal(api.calls.length, 0);
  timers.advance(50);
  assert.deepEqual(
    api.calls.map((c) => c.query),
    ["ade"],
  );
});

test("Enter searches at once and trims the query", () => {
  const { api, elements } = setup();
  elements.input.value = "  adele ";
  elements.input.dispatch("keydown", { key: "Enter" });
  assert.deepEqual(
    api.calls.map((c) => c.query),
    ["adele"],
  );
});

test("a stale answer never replaces a newer one", async () => {
  const { api, elements, users, rows } = setup();
  const first = users.search("a");
  const second = users.search("alex");
  api.calls[1].resolve([ALEX]);
  await second;
  api.calls[0].resolve([ADELE, ALEX]);
  await first;
  assert.deepEqual(
    rows().map((r) => r.dataset.userId),
    ["2"],
  );
  assert.equal(elements.count.textContent, "1 match");
});

test("a rejected call shows in the error region until a search succeeds", async () => {
  const { api, errorElement, users } = setup();
  const failing = users.search("x");
  api.calls[0].reject({ kind: "throttled", retryAfterS: 3 });
  await failing;
  assert.equal(errorElement.hidden, false);
  assert.equal(errorElement.textContent, "Microsoft Graph is busy. Try again in 3 s.");

  const ok = users.search("");
  api.calls[1].resolve([]);
  await ok;
  await settle();
  assert.equal(errorElement.hidden, true);
});

test("an empty result says so", async () => {
  const { api, elements, users } = setup();
  const done = users.search("nobody");
  api.calls[0].resolve([]);
  await done;
  assert.equal(elements.empty.hidden, false);
  assert.equal(elements.count.textContent, "0 matches");
});

test("every IPC error kind becomes a sentence", () => {
  assert.equal(describeError({ kind: "notSignedIn" }), "You are not signed in.");
  assert.equal(
    describeError({
      kind: "graph",
      status: 403,
      code: "Authorization_RequestDenied",
      message: "Insufficient privileges.",
      requestId: "r-1",
    }),
    "Insufficient privileges. (Graph 403 Authorization_RequestDenied, request-id r-1)",
  );
  assert.equal(
    describeError({ kind: "graph", status: 0, code: "networkError", message: "Offline." }),
    "Offline. (networkError)",
  );
  assert.equal(describeError({ kind: "internal", message: "boom" }), "boom");
  assert.equal(describeError("plain"), "plain");
});

test("errors from different sources are kept apart", () => {
  const doc = fakeDocument();
  const element = doc.createElement("div");
  const errors = errorRegion(element);
  errors.show({ kind: "internal", message: "session failed" }, "session");
  errors.show({ kind: "internal", message: "search failed" }, "users");
  errors.clear("users");
  assert.equal(element.textContent, "session failed");
  assert.equal(element.hidden, false);
});

test("a refusal or bad input is a notice, a fault is not", () => {
  const doc = fakeDocument();
  const element = doc.createElement("div");
  const errors = errorRegion(element);
  errors.show({ kind: "refused", message: "Run r1 was already undone by run r2." }, "runs");
  errors.show({ kind: "internal", message: "disk full" }, "export");
  const [refusal, fault] = element.children;
  assert.equal(refusal.textContent, "Run r1 was already undone by run r2.");
  assert.equal(refusal.className, "error-line notice");
  assert.equal(fault.className, "error-line");
  errors.show({ kind: "invalidInput", field: "start", message: "'x' is not a start time." }, "tap");
  assert.equal(element.children[2].className, "error-line notice");
});

test("initials", () => {
  assert.equal(initials("Adele Vance"), "AV");
  assert.equal(initials("alex@contoso.example"), "AC");
  assert.equal(initials(""), "");
});
