// Unit tests for ui/js/campaign/ (the campaign screen) against a fake api and the fake DOM.
// Run: node --test tests/ui/

import assert from "node:assert/strict";
import { test } from "node:test";

import { mountCampaign } from "../../ui/js/campaign/index.js";
import { fakeDocument } from "./fake-dom.mjs";

const tick = () => new Promise((r) => setTimeout(r, 0));

function status(stage = "cohort") {
  return {
    status: {
      name: "wave 1",
      source: 'report tile "Break on 1 Feb 2027"',
      created: "2026-12-03T10:00:00Z",
      exclusionGroup: null,
      counts: [{ stage, label: stage, users: 2 }],
      stuck: 0,
      livePassesAfterRegistration: 0,
      users: ["a", "b"].map((u) => ({
        id: `id-${u}`, userPrincipalName: `${u}@contoso.example`, displayName: u.toUpperCase(), stage,
        stageLabel: stage, changed: "2026-12-03T10:00:00Z", note: null, registered: [], strong: false,
        passExpires: null, passLive: false, defaultMethod: "sms", smsSignIn: true, phones: 1, unreadable: null,
      })),
      excluded: [{ id: "id-me", userPrincipalName: "me@contoso.example", reason: "you, the signed-in admin" }],
      runs: [],
      recovery: { pendingRun: null, undelivered: [] },
    },
    passesWaiting: 0,
  };
}

function fakeApi() {
  const api = { calls: [] };
  const log = (name, ...args) => api.calls.push([name, ...args]);
  api.campaignList = async () => ["wave 1"];
  api.campaignPolicy = async () => ({ lines: [{ topic: "SMS", now: "enabled", advice: "narrow it", link: "https://entra" }], unreadable: null });
  api.campaignCreate = async (...a) => { log("create", ...a); return status(); };
  api.campaignStatus = async () => status("passDelivered");
  api.campaignPreview = async (name, request) => {
    log("preview", request);
    return {
      id: 7,
      needsConfirmation: request.step === "remove-phones",
      preview: {
        campaign: name, step: request.step, counts: { add: 2, update: 0, unchanged: 0, skipped: 0, invalid: 0 },
        notes: [{ id: "id-c", userPrincipalName: "c@contoso.example", reason: "needs a passkey first" }],
        advice: ["One-time passes: each user must finish registering within 10 minutes of signing in with the pass."],
        tap: null, removals: 2, threshold: 1, cannotRestore: [],
        rows: [{ line: 1, userInput: "id-a", user: { id: "id-a", userPrincipalName: "a@contoso.example", displayName: "A" },
          status: "add", changes: [{ slot: "tap", action: "add", before: null, after: "pass: 60 min" }], problems: [], warnings: [] }],
      },
    };
  };
  api.campaignRun = async (name, id, confirm) => {
    log("run", id, confirm);
    return { outcome: { runs: [{ run: "r1", report: { results: [{ end: "done" }], cancelled: false, notStarted: [] }, cannotUndo: [] }], passesIssued: 2 }, passesWaiting: 2 };
  };
  return api;
}

function mount() {
  const doc = fakeDocument();
  const root = doc.createElement("section");
  root.ownerDocument = doc;
  const api = fakeApi();
  const shown = [];
  const errors = { show: (e) => shown.push(e), clear() {} };
  const screen = mountCampaign({ api, errors, root, sandbox: () => false });
  const find = (testid) => root.findAll((n) => n.dataset?.testid === testid);
  return { api, screen, find, shown };
}

test("from a tile: the cohort is named, the campaign made, counts and exclusions shown", async () => {
  const { api, screen, find, shown } = mount();
  screen.start({ tile: "breaks-2027-02-01", label: "Break on 1 Feb 2027", count: 3 });
  assert.match(find("campaign-from")[0].textContent, /3 users of the report tile "Break on 1 Feb 2027"/);
  find("campaign-name")[0].value = "wave 1";
  find("campaign-create")[0].dispatch("click");
  await tick();
  assert.deepEqual(api.calls[0], ["create", "wave 1", "breaks-2027-02-01", [], null]);
  assert.equal(find("campaign-body")[0].hidden, false);
  assert.equal(find("campaign-user").length, 2);
  assert.match(find("campaign-excluded-user")[0].textContent, /me@contoso.example: you, the signed-in admin/);
  assert.deepEqual(shown, []);
});

test("a step is previewed with reasons, run, and its passes wait to be saved", async () => {
  const { api, screen, find } = mount();
  screen.start({ tile: "breaks-2027-02-01", label: "x", count: 2 });
  find("campaign-create")[0].dispatch("click");
  await tick();
  find("campaign-preview").find((b) => b.dataset.step === "tap").dispatch("click");
  await tick();
  assert.equal(api.calls[1][1].step, "tap");
  assert.equal(api.calls[1][1].lifetimeMinutes, 480);
  assert.equal(api.calls[1][1].once, true);
  const box = find("campaign-preview-box")[0];
  assert.doesNotMatch(box.textContent, /null/, "no stray null where an optional line is absent");
  assert.match(box.textContent, /add Temporary Access Pass/);
  assert.match(find("campaign-preview-note")[0].textContent, /needs a passkey first/);
  find("campaign-run")[0].dispatch("click");
  await tick();
  await tick();
  assert.deepEqual(api.calls[2], ["run", 7, null]);
  assert.match(find("campaign-result")[0].textContent, /2 passes wait to be saved/);
});

test("a run can be paused and resumed from the campaign screen", async () => {
  const { api, screen, find, shown } = mount();
  let finish;
  let progress;
  api.campaignRun = (name, id, confirm, onProgress) => {
    progress = onProgress;
    return new Promise((resolve) => { finish = resolve; });
  };
  api.campaignControl = async (action) => { api.calls.push(["control", action]); };
  screen.start({ tile: "breaks-2027-02-01", label: "x", count: 2 });
  find("campaign-create")[0].dispatch("click");
  await tick();
  const pause = find("campaign-pause")[0];
  assert.equal(pause.hidden, true, "no Pause without a run");
  find("campaign-preview").find((b) => b.dataset.step === "tap").dispatch("click");
  await tick();
  find("campaign-run")[0].dispatch("click");
  await tick();
  progress({ total: 2, finished: 1, done: 1, failed: 0 });
  assert.equal(pause.hidden, false);
  pause.dispatch("click");
  await tick();
  assert.deepEqual(api.calls.at(-1), ["control", "pause"]);
  assert.equal(pause.textContent, "Resume");
  assert.match(find("campaign-progress-text")[0].textContent, /1 of 2 users .* paused/);
  pause.dispatch("click");
  await tick();
  assert.deepEqual(api.calls.at(-1), ["control", "resume"]);
  assert.equal(pause.textContent, "Pause");
  finish({ outcome: { runs: [{ run: "r1", report: { results: [{ end: "done" }, { end: "done" }], cancelled: false, notStarted: [] }, cannotUndo: [] }] }, passesWaiting: 2 });
  await tick();
  await tick();
  assert.equal(pause.hidden, true, "Pause goes with the run");
  assert.deepEqual(shown, []);
});

test("a removal over the threshold sends the typed count", async () => {
  const { api, screen, find } = mount();
  screen.start({ ids: ["id-a", "id-b"] });
  find("campaign-create")[0].dispatch("click");
  await tick();
  find("campaign-preview").find((b) => b.dataset.step === "remove-phones").dispatch("click");
  await tick();
  assert.match(find("campaign-threshold-line")[0].textContent, /type the count/);
  find("campaign-confirm")[0].value = "2";
  find("campaign-run")[0].dispatch("click");
  await tick();
  assert.deepEqual(api.calls.find((c) => c[0] === "run"), ["run", 7, 2]);
});
