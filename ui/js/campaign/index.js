// The campaign screen: the move off SMS and voice before 1 Feb 2027. Reached from a report tile
// (or the Campaign tab to continue one): make the campaign, see where every user is (re-read
// live when the screen opens and on demand), preview and run each step — passes, delete used
// passes, default method, SMS sign-in off, remove phones — save the passes once through the
// save dialog, undo a run, and read the policy context. Every rule is Rust's; pass texts never
// reach this page (only how many wait to be saved). On the sandbox, a form plays a user
// registering with the pass from the saved file, as they would at aka.ms/mysecurityinfo.

import { byTestid, h } from "../dom.js";

const STEPS = [
  ["tap", "1 · Temporary Access Passes"],
  ["delete-passes", "2 · Delete passes still live after registration"],
  ["default", "3 · Default method"],
  ["sms-sign-in-off", "4 · SMS sign-in off"],
  ["remove-phones", "5 · Remove phone methods"],
];
const SLOT = {
  mobile: "mobile", alternateMobile: "alternate mobile", office: "office phone", email: "email",
  smsSignIn: "SMS sign-in", defaultMethod: "default method", tap: "Temporary Access Pass",
};
const STATUS = { add: "Add", update: "Update", unchanged: "Unchanged", skipped: "Skipped", invalid: "Refused" };

/** Mounts the screen into `root`; `sandbox()` says whether the session is the sandbox tenant. */
export function mountCampaign({ api, errors, root, sandbox }) {
  const doc = root.ownerDocument;
  let name = null;
  let from = null;
  let info = null;
  let preview = null;
  let running = false;

  const title = h(doc, "h1", { className: "title", testid: "campaign-title" }, "Campaign");
  const picker = h(doc, "select", { testid: "campaign-pick", attrs: { "aria-label": "Continue a campaign" }, onchange: () => { if (picker.value) load(picker.value); } });
  const toolbar = h(doc, "div", { className: "toolbar" }, title, picker);

  // New campaign (from a report tile or selection).
  const nameInput = h(doc, "input", { type: "text", testid: "campaign-name", placeholder: "Name, e.g. Feb 2027 wave 1", attrs: { "aria-label": "Campaign name" } });
  const groupInput = h(doc, "input", { type: "text", testid: "campaign-exclusion-group", placeholder: "Exclusion group (break-glass, service, shared, rooms) — optional", attrs: { "aria-label": "Exclusion group" } });
  const createButton = h(doc, "button", { className: "button primary small", testid: "campaign-create", onclick: () => create() }, "Create campaign");
  const fromLine = h(doc, "p", { className: "campaign-from", testid: "campaign-from" });
  const createForm = h(doc, "div", { className: "campaign-create", testid: "campaign-create-form", hidden: true }, fromLine, nameInput, groupInput, createButton);

  // The campaign.
  const summary = h(doc, "p", { className: "campaign-summary", testid: "campaign-summary" });
  const counts = h(doc, "div", { className: "campaign-counts", testid: "campaign-counts" });
  const recovery = h(doc, "div", { className: "campaign-banner warn", testid: "campaign-recovery", hidden: true });
  const tzInput = h(doc, "input", { type: "text", testid: "campaign-tz", value: "UTC", attrs: { "aria-label": "Time zone of the passes file (UTC offset)" } });
  const saveButton = h(doc, "button", { className: "button primary small", testid: "campaign-save-passes", onclick: () => savePasses() }, "Save passes…");
  const waitingText = h(doc, "span", { testid: "campaign-passes-waiting" });
  const waiting = h(doc, "div", { className: "campaign-banner", testid: "campaign-waiting", hidden: true },
    waitingText, h(doc, "label", {}, "Times in ", tzInput), saveButton,
    h(doc, "span", { className: "hint" }, "Saved once, for a mail merge or printed letters (Microsoft's templates: aka.ms/mfatemplates). Prestage keeps no copy."));
  const rereadButton = h(doc, "button", { className: "button small", testid: "campaign-reread", onclick: () => load(name) }, "Re-read registrations");

  const lifetime = h(doc, "input", { type: "number", testid: "campaign-lifetime", value: "480", min: "10", max: "43200", attrs: { "aria-label": "Pass lifetime in minutes" } });
  const once = h(doc, "input", { type: "checkbox", testid: "campaign-once", checked: true });
  const start = h(doc, "input", { type: "text", testid: "campaign-start", placeholder: "Start, e.g. 2027-01-11T08:00+01:00 (blank: now)", attrs: { "aria-label": "Start" } });
  const wave = h(doc, "input", { type: "number", testid: "campaign-wave", min: "1", placeholder: "all", attrs: { "aria-label": "Users in this wave" } });
  const keepOffice = h(doc, "input", { type: "checkbox", testid: "campaign-keep-office" });
  const threshold = h(doc, "input", { type: "number", testid: "campaign-threshold", value: "50", min: "1", attrs: { "aria-label": "Threshold" } });
  const options = {
    tap: h(doc, "div", { className: "campaign-options" },
      h(doc, "label", {}, "Lifetime (min) ", lifetime), h(doc, "label", {}, once, " one-time"), start,
      h(doc, "label", {}, "Wave size ", wave)),
    "remove-phones": h(doc, "div", { className: "campaign-options" },
      h(doc, "label", {}, keepOffice, " keep office phones (own telephony provider)"), h(doc, "label", {}, "Threshold ", threshold)),
  };
  const stepCards = STEPS.map(([step, label]) => h(doc, "div", { className: "campaign-step", testid: "campaign-step", data: { step } },
    h(doc, "h2", {}, label), options[step] ?? null,
    h(doc, "button", { className: "button small", testid: "campaign-preview", data: { step }, onclick: () => previewStep(step) }, "Preview")));

  const previewBox = h(doc, "div", { className: "campaign-preview", testid: "campaign-preview-box", hidden: true });
  const progress = h(doc, "progress", { testid: "campaign-progress", max: 1, value: 0, hidden: true });
  const progressText = h(doc, "span", { className: "count", testid: "campaign-progress-text" });
  const pauseButton = h(doc, "button", { className: "button small", testid: "campaign-pause", hidden: true, onclick: () => togglePause() }, "Pause");
  const cancelButton = h(doc, "button", { className: "button small", testid: "campaign-cancel", hidden: true, onclick: () => api.campaignControl("cancel") }, "Cancel");
  let paused = false;
  let lastProgress = null;
  // Rows in flight finish; no new user is started until Resume.
  async function togglePause() {
    const next = paused ? "resume" : "pause";
    pauseButton.disabled = true;
    try {
      await api.campaignControl(next);
      paused = next === "pause";
      pauseButton.textContent = paused ? "Resume" : "Pause";
      progress.dataset.paused = String(paused);
      if (lastProgress) onProgress(lastProgress);
    } catch (error) {
      errors.show(error, "campaign");
    } finally {
      pauseButton.disabled = false;
    }
  }
  const result = h(doc, "p", { className: "campaign-result", testid: "campaign-result", attrs: { "aria-live": "polite" } });

  const usersBody = h(doc, "tbody", { testid: "campaign-users" });
  const usersTable = h(doc, "table", { className: "users campaign-table" },
    h(doc, "thead", {}, h(doc, "tr", {}, ["Stage", "User", "Since", "Registered since pass", "Pass until", "Why stuck"].map((c) => h(doc, "th", { scope: "col" }, c)))),
    usersBody);
  const excludedList = h(doc, "ul", { className: "campaign-excluded", testid: "campaign-excluded" });
  const runsList = h(doc, "ul", { className: "campaign-runs", testid: "campaign-runs" });
  const policyList = h(doc, "dl", { className: "campaign-policy", testid: "campaign-policy" });

  const playUser = h(doc, "select", { testid: "sandbox-user", attrs: { "aria-label": "User" } });
  const playMethod = h(doc, "select", { testid: "sandbox-method", attrs: { "aria-label": "Method" } },
    h(doc, "option", { value: "microsoftAuthenticator" }, "Microsoft Authenticator"),
    h(doc, "option", { value: "fido2" }, "Passkey (FIDO2)"),
    h(doc, "option", { value: "windowsHelloForBusiness" }, "Windows Hello"));
  const playPass = h(doc, "input", { type: "password", testid: "sandbox-pass", placeholder: "The user's pass, from the saved file", attrs: { "aria-label": "Temporary Access Pass", autocomplete: "off" } });
  const playButton = h(doc, "button", { className: "button small", testid: "sandbox-register", onclick: () => play() }, "Register as this user");
  const playNote = h(doc, "span", { className: "count", testid: "sandbox-register-result" });
  const play = async () => {
    try {
      await api.sandboxRegister(playUser.value, playMethod.value, playPass.value);
      playPass.value = "";
      playNote.textContent = "Registered";
      await load(name);
    } catch (error) {
      playNote.textContent = "";
      errors.show(error, "campaign");
    }
  };
  const sandboxBox = h(doc, "details", { className: "campaign-sandbox", testid: "campaign-sandbox", hidden: true },
    h(doc, "summary", {}, "Sandbox: play a user registering with their pass (aka.ms/mysecurityinfo)"),
    h(doc, "div", { className: "campaign-options" }, playUser, playMethod, playPass, playButton, playNote));

  const body = h(doc, "div", { className: "campaign-body", testid: "campaign-body", hidden: true },
    summary, counts, recovery, waiting,
    h(doc, "div", { className: "toolbar" }, rereadButton),
    h(doc, "div", { className: "campaign-steps" }, stepCards),
    h(doc, "div", { className: "toolbar" }, progress, progressText, pauseButton, cancelButton), result, previewBox,
    sandboxBox,
    h(doc, "h2", {}, "Users"), h(doc, "div", { className: "table-wrap" }, usersTable),
    h(doc, "h2", {}, "Excluded from every step"), excludedList,
    h(doc, "h2", {}, "Runs"), runsList,
    h(doc, "h2", {}, "Policy (read-only)"), policyList);

  root.append(toolbar, createForm, body);

  async function refreshList() {
    try {
      const names = await api.campaignList();
      picker.replaceChildren(h(doc, "option", { value: "" }, names.length ? "Continue a campaign…" : "No saved campaigns"),
        ...names.map((n) => h(doc, "option", { value: n, selected: n === name }, n)));
    } catch (error) {
      errors.show(error, "campaign");
    }
  }

  function fmt(iso) {
    return iso ? iso.replace("T", " ").slice(0, 16) : "—";
  }

  function render() {
    const st = info.status;
    title.textContent = `Campaign: ${st.name}`;
    summary.textContent = `${st.users.length} users from the ${st.source}${st.exclusionGroup ? ` · exclusion group ${st.exclusionGroup}` : ""} · ${st.stuck} stuck · ${st.livePassesAfterRegistration} live passes after registration`;
    counts.replaceChildren(...st.counts.map((c) => h(doc, "span", { className: "campaign-count", testid: "campaign-count", data: { stage: c.stage } },
      h(doc, "b", { testid: "campaign-count-n" }, String(c.users)), ` ${c.label}`)));
    const lost = st.recovery.undelivered.length;
    recovery.hidden = !lost && !st.recovery.pendingRun;
    recovery.replaceChildren(
      h(doc, "span", {}, `${lost} passes were created and never delivered${st.recovery.pendingRun ? `, and run ${st.recovery.pendingRun} did not finish` : ""}: a new pass replaces each lost one.`),
      h(doc, "button", { className: "button small", testid: "campaign-recover", onclick: () => recover() }, "Issue them again"));
    waiting.hidden = !info.passesWaiting;
    waitingText.textContent = `${info.passesWaiting} passes issued, waiting to be saved.`;
    usersBody.replaceChildren(...st.users.map((u) => h(doc, "tr", { testid: "campaign-user", data: { userId: u.id, stage: u.stage, phones: String(u.phones) } },
      h(doc, "td", {}, u.stageLabel),
      h(doc, "td", {}, h(doc, "span", { className: "name-cell" }, u.displayName, h(doc, "span", { className: "upn" }, u.userPrincipalName))),
      h(doc, "td", {}, fmt(u.changed)),
      h(doc, "td", {}, u.registered.join(", ") || "—"),
      h(doc, "td", {}, u.passLive ? fmt(u.passExpires) : "—"),
      h(doc, "td", {}, u.note ?? u.unreadable ?? ""))));
    excludedList.replaceChildren(...(st.excluded.length ? st.excluded.map((x) => h(doc, "li", { testid: "campaign-excluded-user" }, `${x.userPrincipalName}: ${x.reason}`)) : [h(doc, "li", {}, "Nobody")]));
    runsList.replaceChildren(...st.runs.map((r) => h(doc, "li", { testid: "campaign-run", data: { run: r.run, step: r.step } },
      `${fmt(r.started)} · ${r.run} · ${r.step} `,
      h(doc, "button", { className: "button small", testid: "campaign-undo", data: { run: r.run }, onclick: () => undo(r.run) }, "Undo"))));
    sandboxBox.hidden = !sandbox();
    playUser.replaceChildren(...st.users.map((u) => h(doc, "option", { value: u.id }, u.userPrincipalName)));
  }

  async function load(which) {
    if (!which) return;
    name = which;
    errors.clear("campaign");
    createForm.hidden = true;
    try {
      info = await api.campaignStatus(name);
      body.hidden = false;
      render();
      refreshList();
    } catch (error) {
      errors.show(error, "campaign");
    }
  }

  async function loadPolicy() {
    try {
      const p = await api.campaignPolicy();
      policyList.replaceChildren(...(p.unreadable ? [h(doc, "dd", {}, p.unreadable)] : p.lines.flatMap((l) => [
        h(doc, "dt", {}, l.topic), h(doc, "dd", { testid: "campaign-policy-line" }, `${l.now} — ${l.advice} (${l.link})`)])));
    } catch (error) {
      errors.show(error, "campaign");
    }
  }

  async function create() {
    createButton.disabled = true;
    try {
      info = await api.campaignCreate(nameInput.value, from.tile ?? null, from.ids ?? [], groupInput.value || null);
      name = info.status.name;
      createForm.hidden = true;
      body.hidden = false;
      render();
      refreshList();
    } catch (error) {
      errors.show(error, "campaign");
    } finally {
      createButton.disabled = false;
    }
  }

  function request(step) {
    const r = { step };
    if (step === "tap") {
      r.lifetimeMinutes = Number(lifetime.value);
      r.once = once.checked;
      r.start = start.value || null;
      r.wave = wave.value ? Number(wave.value) : null;
    }
    if (step === "remove-phones") {
      r.keepOffice = keepOffice.checked;
      r.threshold = Number(threshold.value);
    }
    return r;
  }

  function renderPreview() {
    const p = preview.preview;
    const writes = p.counts.add + p.counts.update;
    const confirm = preview.needsConfirmation
      ? h(doc, "input", { type: "text", testid: "campaign-confirm", placeholder: `Type ${p.removals} to confirm`, attrs: { "aria-label": "Type the count to confirm" } })
      : null;
    const runButton = h(doc, "button", { className: "button primary small", testid: "campaign-run", disabled: writes === 0,
      onclick: () => runStep(confirm ? Number(confirm.value) : null) }, writes ? `Run for ${writes} users` : "Nothing to run");
    const cell = (text) => h(doc, "td", { title: text }, text);
    const change = (c) => `${c.action} ${SLOT[c.slot] ?? c.slot}${c.before && c.slot !== "tap" ? ` (was ${c.before})` : ""}`;
    previewBox.hidden = false;
    previewBox.replaceChildren(...[
      h(doc, "h2", { testid: "campaign-preview-title" }, `Preview: ${STEPS.find(([s]) => s === p.step)?.[1] ?? p.step}`),
      h(doc, "p", { testid: "campaign-preview-counts" }, `${writes} to write · ${p.counts.unchanged} unchanged · ${p.counts.skipped} skipped · ${p.counts.invalid} refused · ${p.notes.length} left alone`),
      ...p.advice.map((a) => h(doc, "p", { className: "hint", testid: "campaign-advice" }, a)),
      p.step === "remove-phones" ? h(doc, "p", { testid: "campaign-threshold-line" }, `${p.removals} users lose phone methods; threshold ${p.threshold}.${preview.needsConfirmation ? " Over the threshold: type the count to run." : ""}`) : null,
      ...p.cannotRestore.map((n) => h(doc, "p", { className: "warn", testid: "campaign-cannot-restore" }, `Undo could not restore ${n.userPrincipalName}: ${n.reason}`)),
      h(doc, "div", { className: "toolbar" }, confirm, runButton),
      h(doc, "table", { className: "users campaign-table" }, h(doc, "tbody", { testid: "campaign-preview-rows" },
        p.rows.map((r) => h(doc, "tr", { testid: "campaign-preview-row", data: { status: r.status } },
          cell(STATUS[r.status] ?? r.status),
          cell(r.user?.userPrincipalName ?? r.userInput),
          cell(r.changes.map(change).join("; ")),
          cell([...r.problems, ...r.warnings].join("; ")))),
        p.notes.map((n) => h(doc, "tr", { testid: "campaign-preview-note" },
          cell("Left alone"), cell(n.userPrincipalName), cell(""), cell(n.reason))))),
    ].filter(Boolean));
  }

  async function previewStep(step) {
    errors.clear("campaign");
    result.textContent = "";
    try {
      preview = await api.campaignPreview(name, request(step));
      renderPreview();
    } catch (error) {
      errors.show(error, "campaign");
    }
  }

  function onProgress(p) {
    lastProgress = p;
    progress.hidden = false;
    progress.max = Math.max(p.total, 1);
    progress.value = p.finished;
    progressText.textContent = `${p.finished} of ${p.total} users (${p.done} done, ${p.failed} failed)${paused ? " — paused" : ""}`;
  }

  async function drive(call) {
    if (running) return;
    running = true;
    paused = false;
    lastProgress = null;
    pauseButton.textContent = "Pause";
    pauseButton.hidden = false;
    cancelButton.hidden = false;
    errors.clear("campaign");
    try {
      const done = await call();
      const runs = done.outcome.runs;
      const notDone = runs.flatMap((r) => r.report.results).filter((r) => r.end !== "done" && r.end !== "alreadyApplied");
      result.textContent = `Run ${runs.map((r) => r.run).join(", ")}: ${runs.reduce((n, r) => n + r.report.results.length, 0)} users, ${notDone.length} not done.${done.passesWaiting ? ` ${done.passesWaiting} passes wait to be saved.` : ""}`;
      previewBox.hidden = true;
      preview = null;
      await load(name);
    } catch (error) {
      errors.show(error, "campaign");
    } finally {
      running = false;
      pauseButton.hidden = true;
      cancelButton.hidden = true;
      progress.hidden = true;
      progressText.textContent = "";
    }
  }

  const runStep = (confirm) => drive(() => api.campaignRun(name, preview.id, confirm, onProgress));
  const recover = () => drive(() => api.campaignRecover(name, onProgress));
  const undo = (run) => drive(() => api.campaignUndo(name, run, onProgress));

  async function savePasses() {
    try {
      const saved = await api.campaignSavePasses(name, tzInput.value || "UTC");
      if (saved) result.textContent = `Saved ${saved}. The passes are not kept anywhere else.`;
      await load(name);
    } catch (error) {
      errors.show(error, "campaign");
    }
  }

  return {
    /** From the report: a tile (`{ tile }`) or a selection (`{ ids }`), with the count. */
    start(origin) {
      from = origin;
      name = null;
      info = null;
      body.hidden = true;
      previewBox.hidden = true;
      createForm.hidden = false;
      title.textContent = "New campaign";
      fromLine.textContent = origin.tile
        ? `Cohort: the ${origin.count} users of the report tile "${origin.label}", minus the exclusions (you, the exclusion group, disabled and external users).`
        : `Cohort: the ${origin.ids.length} users selected in the report, minus the exclusions.`;
      refreshList();
      loadPolicy();
    },
    /** The Campaign tab opened: re-read the open campaign (or offer the saved ones). */
    shown() {
      refreshList();
      loadPolicy();
      if (name) load(name);
    },
    /** For tests. */
    rows: () => byTestid(usersBody, "campaign-user"),
  };
}
