// The Import screen: get a CSV in (dropped anywhere on the window, or picked), preview it, apply
// the ticked rows with progress, export the results; the Runs tab and the resume banner. Wires
// the parts (preview.js, run.js, runs.js, dialog.js) to the api (js/api.js, or a fake in tests).
// Every rejected call goes to the error region.

import { createConfirm } from "./dialog.js";
import { createDirectorySource } from "./directory.js";
import { h } from "../dom.js";
import { fileText, plural, undoPreviewLines, when } from "./format.js";
import { createPreview } from "./preview.js";
import { createRun } from "./run.js";
import { createRuns, paintBanner, resumable } from "./runs.js";

const TEMPLATE_COLUMNS =
  "UserPrincipalName, MobilePhone, AlternateMobilePhone, OfficePhone, Email, SmsSignIn, DefaultMethod";

/**
 * `root`: the (empty) import view; `banner`: the element for the resume banner; `overlayHost`:
 * where the drop overlay and the confirmation go (document.body). `onShow()` brings the import
 * view up (the router). `errors`: { show(error, source), clear(source) }.
 */
export function mountImport({ api, errors, root, banner, overlayHost, onShow }) {
  const doc = root.ownerDocument;
  let session = null;
  let settings = null;
  let preview = null;
  let fileName = null;
  let previewId = null;
  let ticket = 0;
  let running = false;
  let tab = "file";
  let stage = "empty";
  // The Directory tab: its form, its own preview table, the options of its last preview.
  let directory = null;
  let dirPreview = null;
  let dirOptions = null;
  // Which preview apply takes its rows from ("file" or "directory"), and its name for headings.
  let applying = "file";
  let runName = null;

  const confirm = createConfirm(doc, overlayHost);
  const overlay = h(doc, "div", { className: "drop-overlay", testid: "drop-overlay", hidden: true },
    h(doc, "div", { className: "drop-card" }, "Drop the CSV file to preview it"));
  overlayHost.append(overlay);

  const tabFile = h(doc, "button", { type: "button", className: "tab", testid: "tab-file", attrs: { role: "tab" }, onclick: () => setTab("file") }, "File");
  const tabDirectory = h(doc, "button", { type: "button", className: "tab", testid: "tab-directory", attrs: { role: "tab" }, onclick: () => showDirectory() }, "Directory");
  const tabRuns = h(doc, "button", { type: "button", className: "tab", testid: "tab-runs", attrs: { role: "tab" }, onclick: () => showRuns() }, "Runs");
  const chooseButton = h(doc, "button", { type: "button", className: "button primary", testid: "choose-file", onclick: () => choose() }, "Choose a CSV file…");
  const templateSaved = h(doc, "span", { className: "muted", testid: "template-saved", attrs: { "aria-live": "polite" } });
  const fileLine = h(doc, "p", { className: "file-line", testid: "file-summary", hidden: true });

  const emptyPanel = h(doc, "div", { className: "import-empty", testid: "import-empty" },
    h(doc, "div", { className: "drop-zone" },
      h(doc, "p", { className: "drop-title" }, "Drop a CSV file anywhere on this window"),
      h(doc, "p", { className: "muted" }, "or"),
      h(doc, "button", { type: "button", className: "button primary", testid: "choose-file-empty", onclick: () => choose() }, "Choose a CSV file…"),
      h(doc, "p", { className: "muted small-print" },
        `One row per user, with the columns ${TEMPLATE_COLUMNS} (the community template's UPN, Mobile, ForcedUpdate… work too). CSV UTF-8, Unicode Text, semicolons and tabs as Excel saves them are all read. Nothing is written until you review the preview and apply it.`),
      h(doc, "button", { type: "button", className: "button small", testid: "download-template-empty", onclick: () => saveTemplate() }, "Download the template")));

  const run = createRun({
    doc,
    onControl: (action) => api.importControl(action).catch((e) => errors.show(e, "import-run")),
    onExport: () => exportResults(),
    onAgain: () => (applying === "directory" ? dirOptions && startDirectoryPreview(dirOptions) : fileName && startPreview(fileName)),
    onRuns: () => showRuns(),
  });
  const runs = createRuns({ doc, onResume: (r) => resume(r), onUndo: (r) => undo(r), onRefresh: () => showRuns() });
  const previewHost = h(doc, "div", { className: "import-panel", testid: "preview-host" });
  const dirHost = h(doc, "div", { className: "import-panel", testid: "directory-host" });
  const dirPreviewHost = h(doc, "div", { className: "import-panel", testid: "directory-preview-host", hidden: true });

  root.replaceChildren(
    h(doc, "div", { className: "toolbar" },
      h(doc, "h1", { className: "title" }, "Import"),
      h(doc, "div", { className: "tabs", attrs: { role: "tablist", "aria-label": "Import" } }, tabFile, tabDirectory, tabRuns),
      h(doc, "span", { className: "spacer" }),
      templateSaved,
      h(doc, "button", { type: "button", className: "button", testid: "download-template", onclick: () => saveTemplate() }, "Download template"),
      chooseButton),
    fileLine,
    emptyPanel,
    previewHost,
    dirHost,
    run.element,
    runs.element,
  );

  function paint() {
    const onFile = tab === "file";
    const onDir = tab === "directory";
    emptyPanel.hidden = !onFile || stage !== "empty";
    previewHost.hidden = !onFile || stage !== "preview";
    dirHost.hidden = !onDir || stage === "run";
    run.element.hidden = tab === "runs" || stage !== "run";
    runs.element.hidden = tab !== "runs";
    fileLine.hidden = !onFile || stage !== "preview" || !fileName;
    tabFile.setAttribute("aria-selected", String(onFile));
    tabDirectory.setAttribute("aria-selected", String(onDir));
    tabRuns.setAttribute("aria-selected", String(tab === "runs"));
    root.dataset.stage = tab === "runs" ? "runs" : stage;
  }

  function setRunning(on) {
    chooseButton.disabled = on;
    chooseButton.title = on ? "A run is under way: wait for it or cancel it first." : "";
  }

  function setTab(name) {
    tab = name;
    paint();
  }

  function setStage(name) {
    stage = name;
    if (tab === "runs") tab = "file";
    paint();
  }

  async function ensureDirectory() {
    if (directory) return directory;
    settings = settings ?? (await api.importSettings());
    directory = createDirectorySource({
      doc,
      settings,
      onSearch: (text) => api.importFindGroups(text).catch((e) => {
        errors.show(e, "import");
        return [];
      }),
      onPreview: (options) => startDirectoryPreview(options),
    });
    dirPreview = createPreview({ doc, settings, source: "directory", onOptions: () => {}, onMapHeader: () => {}, onApply: (lines) => apply(lines) });
    dirPreviewHost.replaceChildren(dirPreview.element);
    dirHost.replaceChildren(directory.element, dirPreviewHost);
    return directory;
  }

  async function showDirectory() {
    tab = "directory";
    if (stage === "run" && !running) stage = "directory";
    paint();
    try {
      await ensureDirectory();
      errors.clear("import");
    } catch (error) {
      errors.show(error, "import");
    }
  }

  async function startDirectoryPreview(options) {
    if (running) {
      errors.show({ kind: "internal", message: "Finish or cancel the run under way before previewing." }, "import");
      return;
    }
    const mine = ++ticket;
    dirOptions = options;
    previewId = null;
    try {
      await ensureDirectory();
      tab = "directory";
      stage = "directory";
      paint();
      directory.reset();
      dirPreview.reset();
      dirPreviewHost.hidden = false;
      const done = await api.importDirectoryPreview(options, (rows) => {
        if (mine === ticket) dirPreview.addRows(rows);
      });
      if (mine !== ticket) return;
      previewId = done.previewId;
      applying = "directory";
      runName = done.name;
      dirPreview.finish(done);
      directory.finish(done);
      errors.clear("import");
    } catch (error) {
      if (mine !== ticket) return;
      errors.show(error, "import");
    }
  }

  async function ensurePreview() {
    if (preview) return preview;
    settings = await api.importSettings();
    preview = createPreview({
      doc,
      settings,
      onOptions: () => startPreview(fileName),
      onMapHeader: (header, column) => mapHeader(header, column),
      onApply: (lines) => apply(lines),
    });
    previewHost.replaceChildren(preview.element);
    return preview;
  }

  /** Files dropped together with the one read (only one file is read per preview). */
  let droppedAlso = 0;

  function droppedNote() {
    if (!droppedAlso) return "";
    const files = droppedAlso === 1 ? "1 other dropped file was" : `${droppedAlso} other dropped files were`;
    return ` · ${files} not read (drop one file at a time)`;
  }

  async function choose() {
    droppedAlso = 0;
    try {
      const file = await api.importPickFile();
      errors.clear("import");
      if (file) await startPreview(file.name);
    } catch (error) {
      errors.show(error, "import");
    }
  }

  async function startPreview(name) {
    if (running) {
      errors.show({ kind: "internal", message: "Finish or cancel the run under way before previewing a file." }, "import");
      return;
    }
    const mine = ++ticket;
    fileName = name;
    previewId = null;
    try {
      const p = await ensurePreview();
      p.reset();
      fileLine.textContent = `${name} — reading…`;
      tab = "file";
      setStage("preview");
      const done = await api.importPreview(p.options(), (rows) => {
        if (mine === ticket) p.addRows(rows);
      });
      if (mine !== ticket) return;
      previewId = done.previewId;
      applying = "file";
      runName = name;
      p.finish(done);
      fileLine.textContent = `${done.file.name} — ${fileText(done.file)}${droppedNote()}`;
      errors.clear("import");
    } catch (error) {
      if (mine !== ticket) return;
      errors.show(error, "import");
      if (error?.kind === "invalidCsv") setStage("empty");
    }
  }

  async function mapHeader(header, column) {
    try {
      await api.importMapHeader(header, column);
      await startPreview(fileName);
    } catch (error) {
      errors.show(error, "import");
    }
  }

  async function runWith(kind, heading, total, call, { again, doneHeading }) {
    running = true;
    setRunning(true);
    setStage("run");
    run.start(heading, kind, total, { again, doneHeading });
    try {
      const done = await call((event) => run.event(event));
      run.finish(done);
      errors.clear("import-run");
    } catch (error) {
      errors.show(error, "import-run");
      run.failed("The run stopped before it finished; the message above says why. Rows not reached can be resumed from Runs.");
    } finally {
      running = false;
      setRunning(false);
      refreshBanner();
    }
  }

  async function apply(lines) {
    const shown = applying === "directory" ? dirPreview : preview;
    const byLine = new Map(shown.rows.map((r) => [r.line, r]));
    const chosen = lines.map((l) => byLine.get(l)).filter(Boolean);
    const writes = chosen.reduce((n, r) => n + r.changes.length, 0);
    const adds = chosen.filter((r) => r.outcome === "add").length;
    const tenant = session?.tenantName ?? "the tenant";
    const ok = await confirm.ask({
      title: `Apply ${plural(lines.length, "row")} to ${tenant}?`,
      lines: [
        `${plural(writes, "change")} for ${plural(lines.length, "user")} (${adds} add, ${lines.length - adds} update) will be written through Microsoft Graph.`,
        "Each user is read again just before writing: a row whose methods changed since this preview is flagged with its new plan, not overwritten.",
        "The run is journaled: you can pause or cancel it, resume it after a stop, and undo it from Runs.",
      ],
      confirm: `Apply ${plural(lines.length, "row")}`,
    });
    if (!ok) return;
    const id = previewId;
    const from = runName ?? fileName;
    await runWith("apply", `Applying ${plural(lines.length, "row")} from ${from}`, lines.length,
      (onEvent) => api.importApply(id, lines, onEvent),
      {
        again: true,
        doneHeading: `Import of ${plural(lines.length, "row")} from ${from}`,
        againLabel: applying === "directory" ? "Preview the directory again" : "Preview the file again",
      });
  }

  async function resume(r) {
    onShow();
    await runWith("resume", `Resuming the run of ${r.fileName || r.run}`, r.pending,
      (onEvent) => api.importResumeRun(r.run, onEvent),
      { again: Boolean(fileName), doneHeading: `Resumed run of ${r.fileName || r.run}` });
  }

  async function undo(r) {
    let preview;
    try {
      preview = await api.importUndoPreview(r.run);
      errors.clear("import-runs");
    } catch (error) {
      errors.show(error, "import-runs");
      return;
    }
    const restores = preview.rows.filter((row) => row.outcome === "add" || row.outcome === "update").length;
    const ok = await confirm.ask({
      title: `Undo the run of ${r.fileName || r.run} from ${when(r.created)}?`,
      lines: [
        ...undoPreviewLines(preview),
        "Each user is read again just before writing; a value changed since this preview is left alone too. The undo is a journaled run of its own, and it cannot be undone itself.",
      ],
      confirm: restores ? `Undo for ${plural(restores, "user")}` : "Nothing to undo",
    });
    if (!ok || !restores) return;
    await runWith("undo", `Undoing the run of ${r.fileName || r.run}`, restores,
      (onEvent) => api.importUndoRun(r.run, onEvent),
      { again: Boolean(fileName), doneHeading: `Undo of the run of ${r.fileName || r.run}` });
  }

  async function exportResults() {
    try {
      run.exported(await api.importExportResults());
      errors.clear("import-export");
    } catch (error) {
      errors.show(error, "import-export");
    }
  }

  async function saveTemplate() {
    try {
      const name = await api.importSaveTemplate();
      templateSaved.textContent = name ? `Saved ${name}` : "";
      errors.clear("import-template");
    } catch (error) {
      errors.show(error, "import-template");
    }
  }

  async function showRuns() {
    setTab("runs");
    try {
      runs.show(await api.importRuns());
      errors.clear("import-runs");
    } catch (error) {
      errors.show(error, "import-runs");
    }
  }

  async function refreshBanner() {
    try {
      const offer = running ? null : resumable((await api.importRuns()).runs);
      paintBanner(doc, banner, offer, {
        onResume: (r) => {
          paintBanner(doc, banner, null, {});
          resume(r);
        },
        onShow: () => {
          onShow();
          showRuns();
        },
        onDismiss: () => paintBanner(doc, banner, null, {}),
      });
      errors.clear("import-runs");
    } catch (error) {
      errors.show(error, "import-runs");
    }
  }

  paint();

  return {
    /** After sign-in: offer to resume an interrupted run. */
    signedIn(info) {
      session = info;
      settings = null;
      preview = null;
      previewHost.replaceChildren();
      directory = null;
      dirPreview = null;
      dirHost.replaceChildren();
      fileName = null;
      setStage("empty");
      return refreshBanner();
    },
    /** Signed out: nothing to offer. */
    signedOut() {
      session = null;
      paintBanner(doc, banner, null, {});
    },
    /** A file was dropped on the window (Rust holds its path). */
    fileDropped(name, others = 0) {
      droppedAlso = others;
      if (!session) {
        errors.show({ kind: "internal", message: "Sign in before importing a file." }, "import");
        return Promise.resolve();
      }
      onShow();
      return startPreview(name);
    },
    /** The OS drag is over the window (true) or left it (false). */
    dragHover(over) {
      overlay.hidden = !over || running;
    },
    choose,
    startPreview,
    showRuns,
    showDirectory,
    startDirectoryPreview,
    get directory() {
      return directory;
    },
    get dirPreview() {
      return dirPreview;
    },
    get preview() {
      return preview;
    },
    run,
    confirm,
  };
}
