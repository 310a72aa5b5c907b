// Unit tests for ui/js/import/*.js against a fake api and a fake DOM: the preview streams and
// filters, ticks decide what is applied, a run shows progress, pause, results and the export,
// runs can be resumed and undone, and every rejected call lands in the error region.
// Run: node --test tests/ui/

import assert from "node:assert/strict";
import { test } from "node:test";

import { errorRegion } from "../../ui/js/errors.js";
import { byTestid } from "../../ui/js/dom.js";
import { changeText, etaText, fileText, progressText, summaryText } from "../../ui/js/import/format.js";
import { mountImport } from "../../ui/js/import/index.js";
import { windowByHeights } from "../../ui/js/import/window.js";
import { fakeDocument } from "./fake-dom.mjs";

const settle = () => new Promise((resolve) => setImmediate(resolve));

const SETTINGS = {
  defaultRegion: "US",
  regionFromTenant: true,
  columns: [
    { id: "user", header: "UserPrincipalName", describe: "user (UPN or object id)" },
    { id: "mobilePhone", header: "MobilePhone", describe: "mobile phone" },
    { id: "officePhone", header: "OfficePhone", describe: "office phone" },
  ],
};

function row(line, outcome, extra = {}) {
  const writes = outcome === "add" || outcome === "update";
  return {
    line,
    userInput: `u${line}@contoso.example`,
    user: outcome === "invalid" ? null : { id: `id${line}`, userPrincipalName: `u${line}@contoso.example`, displayName: `User ${line}` },
    outcome,
    writes,
    changes: writes ? [{ what: "mobile", action: outcome, before: outcome === "update" ? "+1 4255550100" : null, after: `+1 42555501${String(line).padStart(2, "0")}` }] : [],
    problems: outcome === "invalid" ? ["no user with this UPN"] : [],
    warnings: [],
    ...extra,
  };
}

const FILE = {
  name: "users.csv",
  encoding: "UTF-8 (BOM)",
  delimiter: ",",
  headers: [
    { name: "UPN", column: "user" },
    { name: "Mobile", column: "mobilePhone" },
    { name: "Cell", column: null },
  ],
  unknownHeaders: ["Cell"],
  rows: 5,
};
const ROWS = [row(2, "add"), row(3, "update"), row(4, "unchanged"), row(5, "skipped"), row(6, "invalid")];

function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Each call is recorded; the ones a test steers return a deferred it resolves. */
function fakeApi() {
  const calls = [];
  const pending = {};
  const steer = (name) => (...args) => {
    const d = deferred();
    calls.push({ name, args });
    (pending[name] ??= []).push({ ...d, args });
    return d.promise;
  };
  return {
    calls,
    pending,
    runs: [],
    unreadable: [],
    importSettings: async () => SETTINGS,
    importPickFile: async () => ({ name: "users.csv" }),
    importPreview: steer("preview"),
    importDirectoryPreview: steer("directoryPreview"),
    importFindGroups: async (text) => [{ id: "g1", name: `MFA staging ${text}`.trim() }],
    importMapHeader: steer("mapHeader"),
    importApply: steer("apply"),
    importResumeRun: steer("resume"),
    importUndoPreview: steer("undoPreview"),
    importUndoRun: steer("undo"),
    importControl: steer("control"),
    importExportResults: steer("export"),
    importSaveTemplate: steer("template"),
    async importRuns() {
      return { runs: this.runs, unreadable: this.unreadable };
    },
  };
}

function setup() {
  const doc = fakeDocument();
  const el = (tag = "div") => doc.createElement(tag);
  const errorElement = el();
  errorElement.hidden = true;
  const root = el("section");
  const banner = el();
  banner.hidden = true;
  const host = el("body");
  const api = fakeApi();
  let shown = 0;
  const screen = mountImport({
    api,
    errors: errorRegion(errorElement),
    root,
    banner,
    overlayHost: host,
    onShow: () => (shown += 1),
  });
  const all = (testid) => [...byTestid(root, testid), ...byTestid(host, testid), ...byTestid(banner, testid)];
  const one = (testid) => {
    const found = all(testid);
    assert.equal(found.length, 1, `one ${testid}, found ${found.length}`);
    return found[0];
  };
  return { api, root, banner, host, errorElement, screen, all, one, shown: () => shown };
}

/** Signs in, picks a file and streams `rows` in two chunks; returns the preview call. */
async function previewed(t, rows = ROWS, file = FILE) {
  await t.screen.signedIn({ tenantName: "Contoso" });
  const choosing = t.screen.choose();
  await settle();
  const call = t.api.pending.preview.at(-1);
  const onRows = call.args[1];
  onRows(rows.slice(0, 2));
  onRows(rows.slice(2));
  call.resolve({ previewId: 7, file: { ...file, rows: rows.length }, counts: {} });
  await choosing;
  return call;
}

test("formats progress, ETA, changes and summaries", () => {
  assert.equal(
    progressText({ total: 40, finished: 12, done: 10, failed: 1, changedSincePreview: 1, ratePerS: 8.24, etaS: 3.4 }),
    "12 of 40 rows · 10 done · 1 failed · 1 changed since preview · 8.2 rows/s · about 3 s left",
  );
  assert.equal(etaText(150), "about 3 min left");
  assert.equal(etaText(null), "");
  assert.equal(changeText({ what: "mobile", action: "update", before: "+1 1", after: "+1 2" }), "Change mobile: +1 1 → +1 2");
  assert.equal(changeText({ what: "SMS sign-in", action: "enable", before: null, after: null }), "Enable SMS sign-in");
  const done = { cancelled: true, notStarted: [8, 9], results: [{ end: "done" }, { end: "failed" }] };
  assert.equal(summaryText(done), "Cancelled: 1 done, 1 failed. 2 rows not started: resume the run from Runs to finish them.");
});

test("the preview streams rows, shows outcomes and ticks only rows that write", async () => {
  const t = setup();
  await t.screen.signedIn({ tenantName: "Contoso" });
  const choosing = t.screen.choose();
  await settle();
  const call = t.api.pending.preview[0];
  assert.deepEqual(call.args[0], { defaultRegion: "US", blankRemoves: false });
  call.args[1](ROWS.slice(0, 2));
  assert.equal(t.all("preview-row").length, 2, "the first rows show while the rest are read");
  assert.match(t.one("preview-status").textContent, /2 rows so far/);
  assert.equal(t.one("apply").disabled, true, "no apply before the preview is complete");
  // The answer may overtake the last rows: complete only once every row is in.
  call.resolve({ previewId: 7, file: FILE, counts: {} });
  await choosing;
  assert.equal(t.one("apply").disabled, true);
  call.args[1](ROWS.slice(2));
  assert.equal(t.one("apply").disabled, false);
  assert.equal(t.root.dataset.stage, "preview");
  const rows = t.all("preview-row");
  assert.deepEqual(rows.map((r) => r.dataset.outcome), ["add", "update", "unchanged", "skipped", "invalid"]);
  const ticks = t.all("row-tick");
  assert.deepEqual(ticks.map((c) => [c.checked, c.disabled]), [[true, false], [true, false], [false, true], [false, true], [false, true]]);
  assert.equal(t.one("chip-all").textContent, "All5");
  assert.equal(t.one("chip-invalid").textContent, "Invalid1");
  assert.equal(t.one("tick-count").textContent, "2 of 2 rows to write ticked");
  assert.match(rows[1].textContent, /Mobile\+1 4255550100→\+1 4255550103/);
  assert.match(rows[0].textContent, /Add mobile\+1 4255550102/);
  assert.match(rows[4].textContent, /no user with this UPN/);
  assert.equal(t.one("file-summary").textContent, "users.csv — UTF-8 (BOM) · comma-separated · 5 rows");
});

test("the file line says which line above the header was skipped", () => {
  const file = { encoding: "UTF-8", delimiter: ",", rows: 2, skipped: 'Line 1 skipped: "version:v1.0" is the version line.' };
  assert.equal(fileText(file), 'UTF-8 · comma-separated · 2 rows · Line 1 skipped: "version:v1.0" is the version line.');
  assert.equal(fileText({ ...file, skipped: null }), "UTF-8 · comma-separated · 2 rows");
});

test("unticking a row leaves it out of the apply, after a confirmation", async () => {
  const t = setup();
  await previewed(t);
  const [first] = t.all("row-tick");
  first.checked = false;
  first.dispatch("change");
  assert.equal(t.one("tick-count").textContent, "1 of 2 rows to write ticked");
  assert.equal(t.one("apply").textContent, "Apply 1 row…");
  t.one("apply").dispatch("click");
  assert.equal(t.screen.confirm.open, true);
  assert.match(t.one("confirm-body").textContent, /1 change for 1 user/);
  t.one("confirm-cancel").dispatch("click");
  await settle();
  assert.equal(t.api.pending.apply, undefined, "Back applies nothing");
  t.one("apply").dispatch("click");
  t.one("confirm-ok").dispatch("click");
  await settle();
  const apply = t.api.pending.apply[0];
  assert.deepEqual(apply.args.slice(0, 2), [7, [3]]);
  assert.equal(t.root.dataset.stage, "run");
});

test("chips filter the rows and tick-all follows the filter", async () => {
  const t = setup();
  await previewed(t);
  t.one("chip-update").dispatch("click");
  assert.deepEqual(t.all("preview-row").map((r) => r.dataset.line), ["3"]);
  assert.equal(t.one("chip-update").getAttribute("aria-pressed"), "true");
  t.one("tick-all").checked = false;
  t.one("tick-all").dispatch("change");
  t.one("chip-all").dispatch("click");
  assert.deepEqual(t.screen.preview.ticked(), [2]);
  t.one("chip-unchanged").dispatch("click");
  assert.equal(t.one("tick-all").disabled, true);
});

test("a big preview keeps only the rows in view in the DOM", async () => {
  const t = setup();
  const many = Array.from({ length: 10000 }, (_, i) => row(i + 2, i % 3 ? "update" : "add"));
  await previewed(t, many);
  const lines = () => t.all("preview-row").map((r) => Number(r.dataset.line));
  const first = lines();
  assert.ok(first.length > 10 && first.length < 100, `${first.length} rows in the DOM`);
  assert.equal(first[0], 2);
  // Scrolled half way: the window moves there, the spacers stand for the rows around it.
  const wrap = t.one("preview-table-wrap");
  wrap.scrollTop = 5000 * 38;
  wrap.dispatch("scroll");
  const middle = lines();
  assert.ok(middle.length < 100, `${middle.length} rows in the DOM`);
  assert.ok(middle[0] > 4000 && middle[0] < 5010, `the window starts at line ${middle[0]}`);
  assert.deepEqual(middle, middle.map((_, i) => middle[0] + i), "consecutive lines");
  // A chip filters all 10,000 rows and starts at the top again.
  t.one("chip-add").dispatch("click");
  const adds = lines();
  assert.equal(adds[0], 2);
  assert.ok(adds.every((l) => (l - 2) % 3 === 0), "only rows with the outcome");
  assert.equal(t.screen.preview.ticked().length, 10000, "rows never rendered are ticked too");
});

test("the window spans rows by their height", () => {
  assert.deepEqual(windowByHeights([10, 10, 10, 10, 10], 0, 20, 0), { first: 0, last: 2, before: 0, after: 30 });
  assert.deepEqual(windowByHeights([10, 10, 10, 10, 10], 25, 10, 0), { first: 2, last: 4, before: 20, after: 10 });
  assert.deepEqual(windowByHeights([10, 50, 10], 30, 10, 0), { first: 1, last: 2, before: 10, after: 10 });
  assert.deepEqual(windowByHeights([], 0, 100), { first: 0, last: 0, before: 0, after: 0 });
});

test("options and a mapped header preview the file again", async () => {
  const t = setup();
  await previewed(t);
  t.one("blank-removes").checked = true;
  t.one("blank-removes").dispatch("change");
  await settle();
  assert.deepEqual(t.api.pending.preview.at(-1).args[0], { defaultRegion: "US", blankRemoves: true });
  t.api.pending.preview.at(-1).args[1](ROWS);
  t.api.pending.preview.at(-1).resolve({ previewId: 8, file: FILE, counts: {} });
  await settle();
  const map = t.one("map-header");
  assert.equal(map.dataset.header, "Cell");
  assert.deepEqual(map.children.map((o) => o.value), ["", "officePhone"], "only columns not yet in the file");
  map.value = "officePhone";
  map.dispatch("change");
  await settle();
  assert.deepEqual(t.api.pending.mapHeader[0].args, ["Cell", "officePhone"]);
  t.api.pending.mapHeader[0].resolve();
  await settle();
  assert.equal(t.api.pending.preview.length, 3);
});

/** The preview applied and confirmed: the pending apply call and its event channel. */
async function applying() {
  const t = setup();
  await previewed(t);
  t.one("apply").dispatch("click");
  t.one("confirm-ok").dispatch("click");
  await settle();
  const apply = t.api.pending.apply[0];
  return { t, apply, onEvent: apply.args[2] };
}

test("a run shows progress, pauses, ends with results and exports them", async () => {
  const { t, apply, onEvent } = await applying();
  onEvent({
    result: { line: 2, user: ROWS[0].user, end: "done", changes: [{ change: ROWS[0].changes[0], ok: true, requestId: "r-1", error: null }], message: null, replanned: null },
    progress: { total: 2, finished: 1, done: 1, failed: 0, changedSincePreview: 0, ratePerS: 4, etaS: 0.25 },
  });
  assert.equal(t.one("run-progress").value, 1);
  assert.match(t.one("run-text").textContent, /1 of 2 rows · 1 done/);
  t.one("pause").dispatch("click");
  await settle();
  assert.deepEqual(t.api.pending.control[0].args, ["pause"]);
  t.api.pending.control[0].resolve();
  await settle();
  assert.equal(t.one("pause").textContent, "Resume");
  assert.match(t.one("run-text").textContent, /^Paused/);
  const changed = {
    line: 3, user: ROWS[1].user, end: "changedSincePreview", changes: [],
    message: "the user's methods changed since the preview; nothing was written",
    replanned: row(3, "update"),
  };
  apply.resolve({ run: "20250101-1200-ab", cancelled: false, notStarted: [], cannotUndo: [],
    results: [changed, { line: 2, user: ROWS[0].user, end: "done", changes: [], message: null, replanned: null }] });
  await settle();
  assert.deepEqual(t.all("result-row").map((r) => [r.dataset.line, r.dataset.end]), [["2", "done"], ["3", "changedSincePreview"]]);
  assert.equal(t.all("replanned").length, 1);
  assert.equal(t.one("run-summary").textContent, "Finished: 1 done, 1 changed since preview.");
  t.one("export-results").dispatch("click");
  await settle();
  t.api.pending.export[0].resolve("prestage-results-20250101-1200-ab.csv");
  await settle();
  assert.equal(t.one("exported").textContent, "Saved prestage-results-20250101-1200-ab.csv");
});

test("a big run's results keep only the rows in view in the DOM, in line order at the end", async () => {
  const { t, apply, onEvent } = await applying();
  const result = (line) => ({ line, user: ROWS[0].user, end: "done", changes: [{ change: ROWS[0].changes[0], ok: true, requestId: `r-${line}`, error: null }], message: null, replanned: null });
  // Rows finish out of order while the run goes: each shows once it reaches the view.
  const lines = () => t.all("result-row").map((r) => Number(r.dataset.line));
  for (let i = 0; i < 10000; i++) {
    onEvent({ result: result(10001 - i), progress: { total: 10000, finished: i + 1, done: i + 1, failed: 0, changedSincePreview: 0, ratePerS: 20, etaS: 1 } });
  }
  const during = lines();
  assert.ok(during.length > 10 && during.length < 100, `${during.length} rows in the DOM`);
  assert.equal(during[0], 10001, "the first to finish shows first while the run goes");
  apply.resolve({ run: "20250101-1200-ab", cancelled: false, notStarted: [], cannotUndo: [], results: [] });
  await settle();
  const top = lines();
  assert.ok(top.length < 100, `${top.length} rows in the DOM`);
  assert.deepEqual(top.slice(0, 3), [2, 3, 4], "by line once the run ended");
  // Scrolled half way down: the rows there, consecutive.
  const wrap = t.one("result-table-wrap");
  wrap.scrollTop = 5000 * 38;
  wrap.dispatch("scroll");
  const middle = lines();
  assert.ok(middle.length < 100, `${middle.length} rows in the DOM`);
  assert.ok(middle[0] > 4000 && middle[0] < 5010, `the window starts at line ${middle[0]}`);
  assert.deepEqual(middle, middle.map((_, i) => middle[0] + i), "consecutive lines");
  assert.equal(t.screen.run.results.length, 10000, "every result is kept for the export");
});

test("every rejected call shows in the error region", async () => {
  const t = setup();
  await t.screen.signedIn({ tenantName: "Contoso" });
  const choosing = t.screen.choose();
  await settle();
  t.api.pending.preview[0].reject({ kind: "invalidCsv", line: null, message: "The file is empty." });
  await choosing;
  assert.equal(t.errorElement.hidden, false);
  assert.equal(t.errorElement.textContent, "The file is empty.");
  assert.equal(t.root.dataset.stage, "empty");

  const t2 = setup();
  await previewed(t2);
  t2.one("apply").dispatch("click");
  t2.one("confirm-ok").dispatch("click");
  await settle();
  t2.api.pending.apply[0].reject({ kind: "internal", message: "The run journal could not be written." });
  await settle();
  assert.equal(t2.errorElement.textContent, "The run journal could not be written.");
  assert.equal(t2.root.dataset.stage, "run");
  t2.one("download-template").dispatch("click");
  await settle();
  t2.api.pending.template[0].reject({ kind: "internal", message: "disk full" });
  await settle();
  assert.match(t2.errorElement.textContent, /disk full/);
});

const RUN = {
  run: "20250101-120000-00ab", kind: "apply", undoOf: null, created: "2025-01-01T12:00:00+00:00",
  fileName: "users.csv", admin: "pat@contoso.example", rows: 40, done: 28, failed: 0,
  changedSincePreview: 0, pending: 12, finished: false, cancelled: false,
  resumable: true, undoable: true, otherTenant: false,
};

test("after sign-in a resumable run is offered in a banner", async () => {
  const t = setup();
  t.api.runs = [RUN];
  await t.screen.signedIn({ tenantName: "Contoso" });
  assert.equal(t.banner.hidden, false);
  assert.match(t.banner.textContent, /users.csv was interrupted with 12 rows not applied/);
  t.one("banner-resume").dispatch("click");
  await settle();
  assert.equal(t.banner.hidden, true);
  assert.deepEqual(t.api.pending.resume[0].args.slice(0, 1), [RUN.run]);
  assert.equal(t.shown(), 1, "the import view comes up");
  assert.equal(t.root.dataset.stage, "run");
  t.api.runs = [];
  t.api.pending.resume[0].resolve({ run: RUN.run, cancelled: false, notStarted: [], cannotUndo: [], results: [] });
  await settle();
  assert.equal(t.banner.hidden, true);
});

test("the runs list resumes and undoes, and lists what undo cannot restore", async () => {
  const t = setup();
  t.api.runs = [RUN, { ...RUN, run: "r2", kind: "undo", undoOf: "r1", resumable: false, undoable: false, pending: 0, finished: true }];
  t.api.unreadable = [{ run: "r0", reason: "line 2: expected value at line 1 column 1" }];
  await t.screen.signedIn({ tenantName: "Contoso" });
  t.one("tab-runs").dispatch("click");
  await settle();
  assert.equal(t.root.dataset.stage, "runs");
  assert.equal(t.all("run-row").length, 2);
  // A damaged journal is listed with why, beside the others, with nothing to press.
  assert.equal(t.all("run-unreadable").length, 1);
  assert.match(t.one("run-unreadable").textContent, /r0.*could not be read: line 2: expected value/);
  assert.equal(t.all("resume-run").length, 1);
  t.one("undo-run").dispatch("click");
  await settle();
  assert.equal(t.api.pending.undoPreview[0].args[0], RUN.run);
  const user = (upn) => ({ id: upn, userPrincipalName: upn, displayName: upn });
  t.api.pending.undoPreview[0].resolve({
    run: RUN.run,
    rows: [
      { line: 2, userInput: "u2", user: user("u2@contoso.example"), outcome: "update", changes: [{ slot: "mobile", what: "mobile", action: "remove", before: "+44 7400123450", after: null }], problems: [], warnings: [] },
      { line: 3, userInput: "u3", user: user("u3@contoso.example"), outcome: "skipped", changes: [], problems: ["the mobile changed since the run (now +44 XXXXXXXX11; the run left +44 XXXXXXXX51), so it is left as it is"], warnings: [] },
    ],
    cannotUndo: [],
  });
  await settle();
  assert.match(t.host.textContent, /Undo the run of users.csv/);
  assert.match(t.host.textContent, /1 user will be put back as they were before the run/);
  assert.match(t.host.textContent, /u2@contoso.example: Remove mobile \(was \+44 7400123450\)/);
  assert.match(t.host.textContent, /1 user changed since the run and will be left as they are/);
  assert.match(t.host.textContent, /u3@contoso.example: the mobile changed since the run/);
  assert.equal(t.one("confirm-ok").textContent, "Undo for 1 user");
  t.one("confirm-ok").dispatch("click");
  await settle();
  const undo = t.api.pending.undo[0];
  assert.equal(undo.args[0], RUN.run);
  undo.resolve({
    run: "r3", cancelled: false, notStarted: [], results: [],
    cannotUndo: [{ line: 4, user: "u4@contoso.example", reason: "the previous mobile was masked for the signed-in role, so it is not known" }],
  });
  await settle();
  assert.equal(t.all("cannot-undo-row").length, 1);
  assert.match(t.one("cannot-undo").textContent, /Line 4, u4@contoso.example: the previous mobile was masked/);
  assert.equal(t.one("run-summary").textContent, "Undone: 0 done.");
});

test("a dropped file is previewed; before sign-in it is refused", async () => {
  const t = setup();
  await t.screen.fileDropped("dropped.csv");
  assert.equal(t.errorElement.textContent, "Sign in before importing a file.");
  await t.screen.signedIn({ tenantName: "Contoso" });
  const dropping = t.screen.fileDropped("dropped.csv");
  await settle();
  assert.equal(t.shown(), 1);
  t.api.pending.preview[0].args[1](ROWS);
  t.api.pending.preview[0].resolve({ previewId: 1, file: { ...FILE, name: "dropped.csv" }, counts: {} });
  await dropping;
  assert.match(t.one("file-summary").textContent, /^dropped.csv/);
  assert.doesNotMatch(t.one("file-summary").textContent, /not read/);
  // Three files dropped at once: the first is read, the line says the other two were not.
  const many = t.screen.fileDropped("first.csv", 2);
  await settle();
  t.api.pending.preview[1].resolve({ previewId: 2, file: { ...FILE, name: "first.csv" }, counts: {} });
  await many;
  assert.match(t.one("file-summary").textContent, /^first.csv — .* · 2 other dropped files were not read \(drop one file at a time\)$/);
  t.screen.dragHover(true);
  assert.equal(t.one("drop-overlay").hidden, false);
  t.screen.dragHover(false);
  assert.equal(t.one("drop-overlay").hidden, true);
});

test("the Directory tab previews a group's users with the region per row and applies them like a file", async () => {
  const t = setup();
  await t.screen.signedIn({ tenantName: "Contoso" });
  await t.screen.showDirectory();
  await settle();
  assert.equal(t.one("tab-directory").getAttribute("aria-selected"), "true");
  // A group scope needs a group: Preview waits for one.
  t.one("dir-scope-group").checked = true;
  t.one("dir-scope-group").dispatch("change");
  assert.equal(t.one("dir-preview").disabled, true);
  t.one("dir-group-search").value = "staging";
  t.one("dir-group-search").dispatch("input");
  await settle();
  t.one("dir-group-option").dispatch("click");
  assert.equal(t.one("dir-preview").disabled, false);
  t.one("dir-office").checked = true;
  t.one("dir-preview").dispatch("click");
  await settle();
  const call = t.api.pending.directoryPreview.at(-1);
  assert.deepEqual(call.args[0].scope, { kind: "group", id: "g1", name: "MFA staging staging" });
  assert.equal(call.args[0].office, true);
  assert.equal(call.args[0].email, false);
  assert.equal(call.args[0].updateExisting, false, "add only unless asked");
  assert.equal(call.args[0].defaultRegion, "US");
  const rows = [row(1, "add", { region: "GB (usageLocation)" }), row(2, "invalid", { region: "US (default)" })];
  call.args[1](rows);
  call.resolve({
    previewId: 9,
    name: "Directory: group 'MFA staging'",
    scopeLabel: "group 'MFA staging'",
    users: 2,
    rows: 2,
    alreadyRegistered: 0,
    counts: {},
    countriesToMap: [{ country: "UK", users: 1 }],
    retirement: { onlyPhone: 1, unknown: 0, date: "1 February 2027", users: ["u1@contoso.example"] },
  });
  await settle();
  const regions = t.all("row-region").map((e) => e.textContent);
  assert.deepEqual(regions, ["National numbers read as GB (usageLocation)", "National numbers read as US (default)"]);
  assert.match(t.one("dir-retirement").textContent, /1 user would have only a phone.*1 February 2027/);
  assert.equal(t.all("dir-country-map").length, 1);
  // Mapping a country re-runs the preview with the mapping.
  const map = t.one("dir-country-map");
  map.value = "GB";
  map.dispatch("change");
  await settle();
  assert.deepEqual(t.api.pending.directoryPreview.at(-1).args[0].countryRegions, { UK: "GB" });
  t.api.pending.directoryPreview.at(-1).args[1](rows);
  t.api.pending.directoryPreview.at(-1).resolve({ previewId: 10, name: "Directory: group 'MFA staging'", scopeLabel: "g", users: 2, rows: 2, alreadyRegistered: 0, counts: {}, countriesToMap: [], retirement: { onlyPhone: 0, unknown: 0, date: "1 February 2027", users: [] } });
  await settle();
  // Apply goes through the import's apply with this preview's id.
  const apply = t.all("apply").find((b) => !b.disabled);
  apply.dispatch("click");
  await settle();
  t.one("confirm-ok").dispatch("click");
  await settle();
  const applied = t.api.pending.apply.at(-1);
  assert.equal(applied.args[0], 10);
  assert.deepEqual(applied.args[1], [1]);
});
