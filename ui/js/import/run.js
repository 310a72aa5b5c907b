// A run under way and its results: the progress bar with counts, rate and ETA, Pause / Resume
// and Cancel, then one row per result (Graph's error explained, request-ids, rows changed since
// the preview flagged with their new plan) and the export. Used by apply, resume and undo alike.

import { focus, h, pill } from "../dom.js";
import { changeText, endLabel, plural, progressText, summaryText } from "./format.js";
import { changeList, notes } from "./preview.js";
import { estimatedRowHeight, virtualBody } from "./window.js";

/** A result row holds a line per change, the message and the new plan, one under another. */
function estimatedHeight(r) {
  const replanned = r.replanned ? 1 + r.replanned.changes.length : 0;
  return estimatedRowHeight(r.changes.length + (r.message ? 1 : 0) + replanned);
}

function resultDetails(doc, r) {
  const items = r.changes.map((c) =>
    h(
      doc,
      "li",
      { className: `result-change ${c.ok ? "ok" : "failed"}` },
      h(doc, "span", { className: "mark", attrs: { "aria-label": c.ok ? "written" : "failed" } }, c.ok ? "✓" : "✗"),
      h(doc, "span", {}, changeText(c.change)),
      c.error ? h(doc, "span", { className: "result-error" }, c.error) : null,
      c.requestId ? h(doc, "span", { className: "request-id", title: "Microsoft Graph request-id, for support" }, `request-id ${c.requestId}`) : null,
    ),
  );
  return h(
    doc,
    "div",
    { className: "result-details" },
    items.length ? h(doc, "ul", { className: "changes" }, items) : null,
    r.message ? h(doc, "p", { className: "result-message" }, r.message) : null,
    r.replanned
      ? h(
          doc,
          "div",
          { className: "replanned", testid: "replanned" },
          h(doc, "span", { className: "replanned-label" }, "New plan against the user's methods now:"),
          r.replanned.changes.length
            ? changeList(doc, r.replanned.changes)
            : h(doc, "span", { className: "muted" }, " nothing to change"),
          notes(doc, r.replanned.problems, r.replanned.warnings),
        )
      : null,
  );
}

function resultRow(doc, r) {
  const [label, variant] = endLabel(r.end);
  const who = r.user
    ? h(doc, "div", { className: "who", title: r.user.userPrincipalName },
        h(doc, "span", { className: "user-name" }, r.user.displayName || r.user.userPrincipalName),
        h(doc, "span", { className: "upn" }, r.user.userPrincipalName))
    : h(doc, "span", { className: "muted" }, "—");
  return h(
    doc,
    "tr",
    { testid: "result-row", data: { line: String(r.line), end: r.end } },
    h(doc, "td", { className: "col-line" }, String(r.line)),
    h(doc, "td", { className: "col-user" }, who),
    h(doc, "td", { className: "col-outcome" }, pill(doc, label, variant)),
    h(doc, "td", { className: "col-changes" }, resultDetails(doc, r)),
  );
}

/**
 * `onControl(action)` ("pause" | "resume" | "cancel") returns a promise; `onExport()`,
 * `onAgain()` (preview the file again) and `onRuns()` are the buttons shown at the end.
 */
export function createRun({ doc, onControl, onExport, onAgain, onRuns }) {
  // Results by line, and the order the table shows them in (as they finish; by line at the end).
  let results = new Map();
  let order = [];
  let paused = false;
  let kind = "apply";
  let last = null;
  let finalHeading = "";

  const title = h(doc, "h2", { className: "run-title", testid: "run-title" });
  const bar = h(doc, "progress", { className: "run-bar", testid: "run-progress", max: 1, value: 0 });
  const text = h(doc, "p", { className: "run-text", testid: "run-text", attrs: { "aria-live": "polite" } });
  const pause = h(doc, "button", { type: "button", className: "button", testid: "pause", onclick: () => togglePause() }, "Pause");
  const cancel = h(doc, "button", {
    type: "button",
    className: "button",
    testid: "cancel-run",
    title: "Rows already under way finish; the rest stay untouched and can be resumed later.",
    onclick: () => onControl("cancel"),
  }, "Cancel");
  const exportButton = h(doc, "button", { type: "button", className: "button primary", testid: "export-results", onclick: () => onExport() }, "Export results…");
  const again = h(doc, "button", { type: "button", className: "button", testid: "preview-again", onclick: () => onAgain() }, "Preview the file again");
  const runs = h(doc, "button", { type: "button", className: "button", testid: "show-runs", onclick: () => onRuns() }, "Runs");
  const running = h(doc, "div", { className: "actions" }, pause, cancel);
  const ended = h(doc, "div", { className: "actions", hidden: true }, exportButton, again, runs);
  const exported = h(doc, "span", { className: "muted", testid: "exported", attrs: { "aria-live": "polite" } });
  ended.append(exported);
  const summary = h(doc, "p", { className: "run-summary", testid: "run-summary", hidden: true });
  const cannot = h(doc, "div", { className: "cannot-undo", testid: "cannot-undo", hidden: true });

  const tbody = h(doc, "tbody", { testid: "result-rows" });
  const wrap = h(
    doc,
    "div",
    { className: "table-wrap import-table-wrap", testid: "result-table-wrap", tabIndex: 0 },
    h(doc, "table", { className: "import-table results", testid: "result-table" },
      h(doc, "thead", {}, h(doc, "tr", {},
        h(doc, "th", { className: "col-line", scope: "col" }, "Line"),
        h(doc, "th", { className: "col-user", scope: "col" }, "User"),
        h(doc, "th", { className: "col-outcome", scope: "col" }, "Result"),
        h(doc, "th", { className: "col-changes", scope: "col" }, "What happened"))),
      tbody),
  );
  // Only the rows in view are in the DOM: a 10,000-row run scrolls like a 10-row one.
  const body = virtualBody({
    doc,
    wrap,
    tbody,
    colspan: 4,
    render: (line) => resultRow(doc, results.get(line)),
    key: (line) => line,
    estimate: (line) => estimatedHeight(results.get(line)),
  });

  const element = h(
    doc,
    "div",
    { className: "import-run", testid: "import-run" },
    h(doc, "div", { className: "run-card" }, title, bar, text, summary, cannot, running, ended),
    wrap,
  );

  async function togglePause() {
    const next = paused ? "resume" : "pause";
    pause.disabled = true;
    try {
      await onControl(next);
      paused = next === "pause";
      pause.textContent = paused ? "Resume" : "Pause";
      element.dataset.paused = String(paused);
      paintText();
    } finally {
      pause.disabled = false;
    }
  }

  function paintText() {
    if (last) text.textContent = progressText(last, paused);
    else text.textContent = paused ? "Paused: no row starts until you resume." : text.textContent;
  }

  function renderAll() {
    order = [...results.keys()].sort((a, b) => a - b);
    body.show(order);
  }

  return {
    element,
    /** A run starts: `heading` says what, `total` rows (when known). */
    start(heading, runKind, total = 0, { again: allowAgain = true, doneHeading = heading, againLabel = "Preview the file again" } = {}) {
      again.textContent = againLabel;
      kind = runKind;
      last = null;
      finalHeading = doneHeading;
      again.hidden = !allowAgain;
      results = new Map();
      order = [];
      body.forget();
      wrap.scrollTop = 0;
      body.show(order);
      paused = false;
      delete element.dataset.paused;
      element.dataset.state = "running";
      title.textContent = heading;
      bar.max = Math.max(total, 1);
      bar.value = 0;
      text.textContent = total ? `Starting ${plural(total, "row")}…` : "Starting…";
      pause.textContent = "Pause";
      pause.disabled = false;
      running.hidden = false;
      ended.hidden = true;
      summary.textContent = "";
      summary.hidden = true;
      cannot.replaceChildren();
      cannot.hidden = true;
      exported.textContent = "";
      focus(pause);
    },
    /** A row finished (RunEvent). */
    event({ result, progress }) {
      const fresh = !results.has(result.line);
      results.set(result.line, result);
      bar.max = Math.max(progress.total, 1);
      bar.value = progress.finished;
      last = progress;
      paintText();
      if (fresh) {
        order.push(result.line);
        body.grew();
      } else {
        body.changed();
      }
    },
    /** The run ended (RunDone): the final results replace what the channel showed. */
    finish(done) {
      for (const r of done.results) results.set(r.line, r);
      element.dataset.state = "done";
      title.textContent = finalHeading;
      bar.value = bar.max;
      running.hidden = true;
      ended.hidden = false;
      exportButton.disabled = results.size === 0;
      summary.textContent = summaryText({ ...done, results: [...results.values()] }, kind);
      summary.hidden = false;
      text.textContent = "";
      if (done.cannotUndo.length) {
        cannot.replaceChildren(
          h(doc, "p", { className: "cannot-title" }, `${plural(done.cannotUndo.length, "value")} could not be restored:`),
          h(doc, "ul", {}, done.cannotUndo.map((c) =>
            h(doc, "li", { testid: "cannot-undo-row" }, `Line ${c.line}, ${c.user}: ${c.reason}`))),
        );
        cannot.hidden = false;
      }
      renderAll();
      focus(exportButton);
    },
    /** The run could not start or stopped with an error (shown in the error region). */
    failed(message) {
      element.dataset.state = "failed";
      running.hidden = true;
      ended.hidden = false;
      exportButton.disabled = results.size === 0;
      summary.textContent = message;
      summary.hidden = false;
    },
    exported(name) {
      exported.textContent = name ? `Saved ${name}` : "";
    },
    get results() {
      return [...results.values()];
    },
  };
}
