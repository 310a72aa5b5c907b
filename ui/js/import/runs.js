// The Runs list: every journaled run of this machine (shared with prestage-cli), newest first,
// with Resume for an interrupted or cancelled run and Undo for an apply run (Rust says which);
// and the banner that offers to resume after sign-in.

import { h, pill } from "../dom.js";
import { plural, runState, when } from "./format.js";

/** `onResume(run)` and `onUndo(run)` start those runs; `onRefresh()` reloads the list. */
export function createRuns({ doc, onResume, onUndo, onRefresh }) {
  const tbody = h(doc, "tbody", { testid: "run-rows" });
  const empty = h(doc, "p", { className: "table-status", testid: "runs-empty", hidden: true },
    "No import runs yet. Runs are journaled here (and by prestage-cli) so they can be resumed and undone.");
  const element = h(
    doc,
    "div",
    { className: "import-runs", testid: "import-runs" },
    h(doc, "div", { className: "filter-bar" },
      h(doc, "p", { className: "muted runs-lead" },
        "Each run keeps a journal: what it changed, and the values before. Resume finishes the rows a cancelled or interrupted run did not reach; Undo puts the previous values back."),
      h(doc, "span", { className: "spacer" }),
      h(doc, "button", { type: "button", className: "button small", testid: "refresh-runs", onclick: () => onRefresh() }, "Refresh")),
    h(doc, "div", { className: "table-wrap import-table-wrap", tabIndex: 0 },
      h(doc, "table", { className: "import-table runs", testid: "runs-table" },
        h(doc, "thead", {}, h(doc, "tr", {},
          h(doc, "th", { scope: "col", className: "col-when" }, "Started"),
          h(doc, "th", { scope: "col", className: "col-file" }, "File"),
          h(doc, "th", { scope: "col", className: "col-num" }, "Rows"),
          h(doc, "th", { scope: "col", className: "col-tally" }, "Outcome"),
          h(doc, "th", { scope: "col", className: "col-state" }, "State"),
          h(doc, "th", { scope: "col", className: "col-actions" }, h(doc, "span", { className: "sr-only" }, "Actions")))),
        tbody),
      empty),
  );

  function row(run) {
    const [state, variant] = run.undone ? ["Undone", "info"] : runState(run);
    const tally = [`${run.done} done`];
    if (run.failed) tally.push(`${run.failed} failed`);
    if (run.changedSincePreview) tally.push(`${run.changedSincePreview} changed since ${run.kind === "undo" ? "the run" : "preview"}`);
    if (run.pending) tally.push(`${run.pending} not applied`);
    const kind = run.kind === "undo" ? pill(doc, "Undo", "info") : null;
    const actions = h(doc, "div", { className: "row-actions" },
      run.resumable
        ? h(doc, "button", { type: "button", className: "button small primary", testid: "resume-run", onclick: () => onResume(run) }, "Resume")
        : null,
      run.undoable
        ? h(doc, "button", { type: "button", className: "button small", testid: "undo-run", onclick: () => onUndo(run) }, "Undo…")
        : null,
      run.otherTenant ? h(doc, "span", { className: "muted" }, "another tenant") : null,
      run.locked ? h(doc, "span", { className: "muted", testid: "run-locked" }, "running in another window or terminal") : null);
    return h(doc, "tr", { testid: "run-row", data: { run: run.run } },
      h(doc, "td", { className: "col-when", title: run.run }, when(run.created)),
      h(doc, "td", { className: "col-file" },
        h(doc, "div", { className: "who" },
          h(doc, "span", { className: "user-name" }, kind, run.fileName || "(no file)"),
          h(doc, "span", { className: "upn" }, run.undoOf ? `undoes ${run.undoOf} · ${run.admin}` : `${run.run} · ${run.admin}`))),
      h(doc, "td", { className: "col-num" }, run.rows.toLocaleString("en-US")),
      h(doc, "td", { className: "col-tally" }, tally.join(", ")),
      h(doc, "td", { className: "col-state" }, pill(doc, state, variant)),
      h(doc, "td", { className: "col-actions" }, actions));
  }

  /** A journal that could not be read (torn, damaged): listed with why, nothing to do with it. */
  function unreadableRow(bad) {
    return h(doc, "tr", { testid: "run-unreadable", data: { run: bad.run } },
      h(doc, "td", { className: "col-when" }, bad.run),
      h(doc, "td", { className: "col-file", colSpan: 3 },
        h(doc, "span", { className: "muted" }, `This run's journal could not be read: ${bad.reason}`)),
      h(doc, "td", { className: "col-state" }, pill(doc, "Unreadable", "warn")),
      h(doc, "td", { className: "col-actions" }));
  }

  return {
    element,
    /** `list`: { runs, unreadable } as Rust lists them. */
    show(list) {
      tbody.replaceChildren(...list.runs.map(row), ...list.unreadable.map(unreadableRow));
      empty.hidden = list.runs.length + list.unreadable.length > 0;
    },
  };
}

/** The first run to offer after sign-in: resumable, newest first (Rust lists newest first). */
export function resumable(runs) {
  return runs.find((r) => r.resumable) ?? null;
}

/** Fills the banner for `run` (or hides it). */
export function paintBanner(doc, banner, run, { onResume, onShow, onDismiss }) {
  if (!run) {
    banner.hidden = true;
    banner.replaceChildren();
    return;
  }
  banner.replaceChildren(
    h(doc, "span", { className: "banner-text" },
      `An import of ${run.fileName || "a file"} was ${run.cancelled ? "cancelled" : "interrupted"} with ${plural(run.pending, "row")} not applied yet.`),
    h(doc, "span", { className: "spacer" }),
    h(doc, "button", { type: "button", className: "button small primary", testid: "banner-resume", onclick: () => onResume(run) }, "Resume"),
    h(doc, "button", { type: "button", className: "button small", testid: "banner-runs", onclick: () => onShow() }, "Show runs"),
    h(doc, "button", { type: "button", className: "button small", testid: "banner-dismiss", attrs: { "aria-label": "Dismiss" }, onclick: () => onDismiss() }, "Later"),
  );
  banner.hidden = false;
}
