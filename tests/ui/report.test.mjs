// Unit tests for ui/js/report/ (the Report tab) against a fake api and the fake DOM.
// Run: node --test tests/ui/

import assert from "node:assert/strict";
import { test } from "node:test";

import { mountReport, ROW_HEIGHT } from "../../ui/js/report/index.js";
import { searchKey, tileCounts, visibleRows, windowOf } from "../../ui/js/report/model.js";
import { fakeDocument } from "./fake-dom.mjs";

const TILES = [
  { name: "breaks-2027-02-01", label: "Break on 1 Feb 2027" },
  { name: "no-mfa", label: "No MFA method" },
  { name: "admins", label: "Admins" },
];

function row(i, extra = {}) {
  return {
    id: `id-${i}`,
    displayName: `User ${String(i).padStart(5, "0")}`,
    userPrincipalName: `user${i}@contoso.example`,
    enabled: true,
    kind: "member",
    synced: false,
    admin: false,
    adminRoles: [],
    methods: ["Mobile phone (SMS/voice)"],
    mfaCapable: true,
    defaultMethod: "SMS",
    defaultOverridden: false,
    smsSignIn: false,
    ssprAfterRetirement: false,
    phoneOnly: true,
    breaksOn: "2027-02-01",
    breaks: "Only SMS/voice: 1 Feb 2027",
    tiles: ["breaks-2027-02-01"],
    source: "registration",
    note: null,
    lastUpdated: null,
    ...extra,
  };
}

const NO_MFA = { methods: [], phoneOnly: false, breaksOn: null, breaks: "No MFA method", tiles: ["no-mfa"] };

test("model: tile, search and sort pick and order rows; counts per tile", () => {
  const rows = [row(1), row(2, NO_MFA), row(3, { displayName: "Adele Vance", tiles: ["breaks-2027-02-01", "admins"] })];
  const keys = rows.map(searchKey);
  assert.deepEqual(visibleRows(rows, keys, { tile: "no-mfa" }), [1]);
  assert.deepEqual(visibleRows(rows, keys, { query: "ADELE" }), [2]);
  assert.deepEqual(visibleRows(rows, keys, { query: "user3@" }), [2]);
  assert.deepEqual(visibleRows(rows, keys, { sort: { key: "name", dir: 1 } }), [2, 0, 1]);
  assert.deepEqual(visibleRows(rows, keys, { sort: { key: "name", dir: -1 } }), [1, 0, 2]);
  assert.deepEqual(visibleRows(rows, keys, { sort: { key: "breaks", dir: 1 } }), [0, 2, 1], "no date last");
  assert.deepEqual(tileCounts(rows, TILES), { "breaks-2027-02-01": 2, "no-mfa": 1, admins: 1 });
  assert.deepEqual(windowOf(0, 340, 34, 1000, 2), { first: 0, last: 12 });
  assert.deepEqual(windowOf(3400, 340, 34, 105, 2), { first: 98, last: 105 });
});

function fakeApi() {
  const api = { runs: [], refreshed: [], exported: [] };
  api.reportRun = (source, onEvent) =>
    new Promise((resolve, reject) => api.runs.push({ source, onEvent, resolve, reject }));
  api.reportRefresh = async (ids) => {
    api.refreshed.push(ids);
    return ids.map((id) => row(Number(id.slice(3)), { ...NO_MFA, id, source: "methods", note: "Refreshed" }));
  };
  api.reportExport = async (ids) => {
    api.exported.push(ids);
    return "prestage-report.csv";
  };
  api.mfaReads = 0;
  api.reportMfaState = async () => {
    api.mfaReads++;
    return [row(1, { perUserMfa: "enforced" }), row(2, { perUserMfa: "disabled" })];
  };
  return api;
}

function mount() {
  const doc = fakeDocument();
  const root = doc.createElement("section");
  root.ownerDocument = doc;
  const api = fakeApi();
  const shownErrors = [];
  const opened = [];
  const errors = { show: (e) => shownErrors.push(e), clear() {} };
  const report = mountReport({ api, errors, root, onOpenUser: (id, options) => opened.push(options?.why ? `why:${id}` : id) });
  const find = (testid) => root.findAll((n) => n.dataset?.testid === testid);
  return { api, root, report, find, opened, shownErrors };
}

test("streams pages with progress, shows the source and why, tiles filter in one click", async () => {
  const { api, report, find } = mount();
  report.shown();
  assert.equal(api.runs.length, 1);
  const { onEvent, resolve } = api.runs[0];
  onEvent({ type: "started", source: { source: "methods", reason: "This tenant has no Microsoft Entra ID P1/P2 licence." }, total: 3, tiles: TILES });
  assert.match(find("report-source-line")[0].textContent, /each user's methods — This tenant has no Microsoft Entra ID P1\/P2/);
  onEvent({ type: "rows", rows: [row(1), row(2, NO_MFA)], done: 2, total: 3 });
  assert.equal(find("report-row").length, 2, "the first page shows while the rest is read");
  assert.equal(find("report-progress-text")[0].textContent, "2 of 3 users…");
  onEvent({ type: "warning", text: "SMS sign-in is unknown." });
  onEvent({ type: "rows", rows: [row(3)], done: 3, total: 3 });
  resolve({ source: { source: "methods", reason: "x" }, users: 3, warnings: [] });
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(find("report-warning")[0].textContent, "SMS sign-in is unknown.");
  const counts = find("report-tile-count").map((c) => c.textContent);
  assert.deepEqual(counts, ["2", "1", "0"]);
  const noMfa = find("report-tile").find((t) => t.dataset.tile === "no-mfa");
  noMfa.dispatch("click");
  assert.deepEqual(find("report-row").map((r) => r.dataset.userId), ["id-2"]);
  assert.equal(find("report-count")[0].textContent, "1 of 3");
  find("report-tile").find((t) => t.dataset.tile === "no-mfa").dispatch("click");
  assert.equal(find("report-row").length, 3, "a second click clears the tile");
});

test("search, open a user, refresh and export the selection", async () => {
  const { api, report, find, opened } = mount();
  report.shown();
  const { onEvent, resolve } = api.runs[0];
  onEvent({ type: "started", source: { source: "registration", reason: "r" }, total: 3, tiles: TILES });
  onEvent({ type: "rows", rows: [row(1), row(2), row(3, { displayName: "Adele Vance" })], done: 3, total: 3 });
  resolve({ source: { source: "registration", reason: "r" }, users: 3, warnings: [] });
  await new Promise((r) => setTimeout(r, 0));
  const search = find("report-search")[0];
  search.value = "adele";
  search.dispatch("input");
  assert.deepEqual(find("report-row").map((r) => r.dataset.userId), ["id-3"]);
  find("report-open")[0].dispatch("click");
  assert.deepEqual(opened, ["id-3"]);
  find("report-why")[0].dispatch("click");
  assert.deepEqual(opened, ["id-3", "why:id-3"], "a row's \"Why asked?\" opens the panel with the diagnosis");
  const box = find("report-row")[0].findAll((n) => n.tagName === "INPUT")[0];
  box.dispatch("change");
  assert.equal(find("report-export")[0].textContent, "Export 1 selected");
  assert.equal(find("report-open-user")[0].disabled, false);
  find("report-refresh")[0].dispatch("click");
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(api.refreshed, [["id-3"]]);
  search.value = "";
  search.dispatch("input");
  const refreshed = find("report-row").find((r) => r.dataset.userId === "id-3");
  assert.equal(refreshed.dataset.tiles, "no-mfa", "the refreshed row replaces the old one");
  assert.equal(find("report-row").length, 3);
  assert.match(find("report-status")[0].textContent, /Refreshed 1/);
  find("report-export")[0].dispatch("click");
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(api.exported, [["id-3"]]);
});

test("a role that can read neither source gets the message in place of the table", async () => {
  const { api, report, find, shownErrors } = mount();
  report.shown();
  api.runs[0].reject({ kind: "reportUnavailable", message: "Your role (no administrator role) can read neither the registration report nor other users' authentication methods." });
  await new Promise((r) => setTimeout(r, 0));
  const msg = find("report-unavailable")[0];
  assert.equal(msg.hidden, false);
  assert.match(msg.textContent, /can read neither/);
  assert.equal(shownErrors.length, 0);
  report.shown();
  assert.equal(api.runs.length, 1, "opening the tab again does not retry by itself");
});

test("10,000 rows: only a window of rows is in the DOM", async () => {
  const { api, report, find } = mount();
  report.shown();
  const { onEvent, resolve } = api.runs[0];
  onEvent({ type: "started", source: { source: "registration", reason: "r" }, total: 10000, tiles: TILES });
  const rows = Array.from({ length: 10000 }, (_, i) => row(i, i % 4 === 0 ? NO_MFA : {}));
  onEvent({ type: "rows", rows, done: 10000, total: 10000 });
  resolve({ source: { source: "registration", reason: "r" }, users: 10000, warnings: [] });
  await new Promise((r) => setTimeout(r, 0));
  const shown = find("report-row").length;
  assert.ok(shown > 0 && shown < 60, `${shown} rows rendered`);
  assert.equal(find("report-count")[0].textContent, "10000 of 10000");
  assert.equal(ROW_HEIGHT, 44);
});

test("the per-user MFA column is read on request and fills in by row", async () => {
  const { api, report, find } = mount();
  report.shown();
  const { onEvent, resolve } = api.runs[0];
  onEvent({ type: "started", source: { source: "registration", reason: "r" }, total: 2, tiles: TILES });
  onEvent({ type: "rows", rows: [row(1), row(2)], done: 2, total: 2 });
  resolve({ source: { source: "registration", reason: "r" }, users: 2, warnings: [] });
  await new Promise((r) => setTimeout(r, 0));
  const cell = (id) => find("report-row").find((r) => r.dataset.userId === id).findAll((n) => n.className === "rcol-mfa")[0].textContent;
  assert.equal(cell("id-1"), "—", "not read until asked");
  assert.equal(api.mfaReads, 0);
  assert.equal(find("report-mfa")[0].disabled, false);
  find("report-mfa")[0].dispatch("click");
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(api.mfaReads, 1);
  assert.equal(cell("id-1"), "enforced");
  assert.equal(cell("id-2"), "disabled");
  assert.match(find("report-status")[0].textContent, /Per-user MFA read for 2 users/);
});
