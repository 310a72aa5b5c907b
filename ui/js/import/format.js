// Words for the import screen: outcome and result labels, one change as "before → after",
// progress with rate and ETA, a run's state. Presentation only: every decision (what a row will
// do, whether it can be applied, resumed or undone) comes from Rust.

export const OUTCOMES = ["add", "update", "unchanged", "skipped", "invalid"];

const OUTCOME = {
  add: ["Add", "ok"],
  update: ["Update", "info"],
  unchanged: ["Unchanged", "neutral"],
  skipped: ["Skipped", "warn"],
  invalid: ["Invalid", "off"],
};

/** [label, pill variant] of a preview outcome. */
export function outcomeLabel(outcome) {
  return OUTCOME[outcome] ?? [String(outcome), "neutral"];
}

const END = {
  done: ["Done", "ok"],
  alreadyApplied: ["Already applied", "neutral"],
  failed: ["Failed", "off"],
  changedSincePreview: ["Changed since preview", "warn"],
  changedSinceRun: ["Changed since the run", "warn"],
};

/** [label, pill variant] of how a row of a run ended. */
export function endLabel(end) {
  return END[end] ?? [String(end), "neutral"];
}

const VERB = {
  add: "Add",
  update: "Change",
  remove: "Remove",
  enable: "Enable",
  disable: "Disable",
  set: "Set",
};

/** { verb, what, before, after } of a change, for "Change mobile  +1 … → +1 …". */
export function changeParts(change) {
  const verb = VERB[change.action] ?? change.action;
  return { verb, what: change.what, before: change.before ?? null, after: change.after ?? null };
}

/** One line of text for a change. */
export function changeText(change) {
  const { verb, what, before, after } = changeParts(change);
  if (before && after) return `${verb} ${what}: ${before} → ${after}`;
  if (after) return `${verb} ${what}: ${after}`;
  if (before) return `${verb} ${what} (was ${before})`;
  return `${verb} ${what}`;
}

export function plural(n, one, many = `${one}s`) {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

/** "about 12 s left", "about 3 min left". */
export function etaText(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "";
  if (seconds < 1) return "almost done";
  if (seconds < 90) return `about ${Math.round(seconds)} s left`;
  if (seconds < 5400) return `about ${Math.round(seconds / 60)} min left`;
  return `about ${(seconds / 3600).toFixed(1)} h left`;
}

/** The progress line under the bar; while paused, no rate or ETA (they would be stale). */
export function progressText(p, paused = false) {
  const parts = [
    `${p.finished.toLocaleString("en-US")} of ${plural(p.total, "row")}`,
    `${p.done.toLocaleString("en-US")} done`,
  ];
  if (p.failed) parts.push(`${p.failed.toLocaleString("en-US")} failed`);
  if (p.changedSincePreview) parts.push(`${p.changedSincePreview} changed since preview`);
  if (paused) {
    return `Paused: ${parts.join(" · ")}. Rows already under way finish; no new row starts until you resume.`;
  }
  if (p.ratePerS > 0) parts.push(`${p.ratePerS.toFixed(1)} rows/s`);
  const eta = p.finished < p.total ? etaText(p.etaS) : "";
  if (eta) parts.push(eta);
  return parts.join(" · ");
}

/** Counts of a run's results by how they ended. */
export function tally(results) {
  const t = { done: 0, failed: 0, changedSincePreview: 0, alreadyApplied: 0 };
  for (const r of results) t[r.end] = (t[r.end] ?? 0) + 1;
  return t;
}

/** "Finished: 30 done, 1 failed, 1 changed since preview." */
export function summaryText(done, kind = "apply") {
  const t = tally(done.results);
  const parts = [`${(t.done + t.alreadyApplied).toLocaleString("en-US")} done`];
  if (t.failed) parts.push(`${t.failed} failed`);
  if (t.changedSincePreview) parts.push(`${t.changedSincePreview} changed since preview`);
  const head = done.cancelled ? "Cancelled" : kind === "undo" ? "Undone" : "Finished";
  const tail = done.cancelled
    ? ` ${plural(done.notStarted.length, "row")} not started: resume the run from Runs to finish ${done.notStarted.length === 1 ? "it" : "them"}.`
    : "";
  return `${head}: ${parts.join(", ")}.${tail}`;
}

/** "Finished", "Cancelled", "Interrupted". */
export function runState(run) {
  if (run.finished) return ["Finished", "ok"];
  if (run.cancelled) return ["Cancelled", "warn"];
  return ["Interrupted", "warn"];
}

/** A run's start, in the person's locale. */
export function when(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** "UTF-8 · comma-separated · 44 rows", then the line skipped above the header, if any. */
export function fileText(file) {
  const delimiter = { ",": "comma", ";": "semicolon", tab: "tab" }[file.delimiter] ?? file.delimiter;
  const skipped = file.skipped ? ` · ${file.skipped}` : "";
  return `${file.encoding} · ${delimiter}-separated · ${plural(file.rows, "row")}${skipped}`;
}

/** What an undo preview (UndoPreviewInfo) says before anything is written: one line per
 *  restored user, per user left alone because their methods changed since the run, and per
 *  value that cannot be restored — the first `limit` of each, then a count. */
export function undoPreviewLines(preview, limit = 6) {
  const restore = preview.rows.filter((r) => r.outcome === "add" || r.outcome === "update");
  const left = preview.rows.filter((r) => r.outcome === "skipped" || r.outcome === "invalid");
  const who = (r) => r.user?.userPrincipalName ?? r.userInput;
  const some = (items, line) => {
    const out = items.slice(0, limit).map(line);
    if (items.length > limit) out.push(`…and ${items.length - limit} more.`);
    return out;
  };
  const lines = [];
  lines.push(restore.length
    ? `${plural(restore.length, "user")} will be put back as they were before the run:`
    : "Nothing the run wrote is still there to put back.");
  lines.push(...some(restore, (r) => `${who(r)}: ${r.changes.map(changeText).join("; ")}${r.warnings.length ? ` (${r.warnings.join("; ")})` : ""}`));
  if (left.length) {
    lines.push(`${plural(left.length, "user")} changed since the run and will be left as they are:`);
    lines.push(...some(left, (r) => `${who(r)}: ${r.problems.join("; ")}`));
  }
  if (preview.cannotUndo.length) {
    lines.push(`${plural(preview.cannotUndo.length, "value")} cannot be restored:`);
    lines.push(...some(preview.cannotUndo, (c) => `Line ${c.line}, ${c.user}: ${c.reason}`));
  }
  return lines;
}
