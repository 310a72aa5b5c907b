// The preview: the options that re-run it (default region, blank removes, unknown headers mapped
// to a column), outcome chips that filter, and one row per CSV line with a tick box (ticked by
// default where the row writes; Rust says which do). Rows stream in; the table is virtualized
// (only the rows in view are in the DOM, window.js), so a 10,000-row file scrolls and filters
// without a stall.

import { h, pill } from "../dom.js";
import { changeParts, outcomeLabel, OUTCOMES, plural } from "./format.js";
import { regions } from "./regions.js";
import { estimatedRowHeight, virtualBody } from "./window.js";

/** A preview row is as tall as its longer column: the changes, or the notes. */
function estimatedHeight(row) {
  const notes = (row.problems?.length ?? 0) + (row.warnings?.length ?? 0) + (row.region ? 1 : 0);
  return estimatedRowHeight(Math.max(row.changes?.length ?? 0, notes));
}

function userCell(doc, row) {
  if (!row.user) {
    return h(doc, "div", { className: "who" }, h(doc, "span", { className: "upn" }, row.userInput || "(blank)"));
  }
  const { displayName, userPrincipalName } = row.user;
  return h(
    doc,
    "div",
    { className: "who", title: userPrincipalName },
    h(doc, "span", { className: "user-name" }, displayName || userPrincipalName),
    h(doc, "span", { className: "upn" }, userPrincipalName),
  );
}

/** The "before → after" lines of a list of changes. */
export function changeList(doc, changes) {
  return h(
    doc,
    "ul",
    { className: "changes" },
    changes.map((c) => {
      const { verb, what, before, after } = changeParts(c);
      // "Mobile  +1 … → +1 …" for a change; the verb is said for anything else.
      const label = c.action === "update" ? what[0].toUpperCase() + what.slice(1) : `${verb} ${what}`;
      return h(
        doc,
        "li",
        { className: "change" },
        h(doc, "span", { className: "change-what" }, label),
        before ? h(doc, "span", { className: "value before", title: before }, before) : null,
        before && after ? h(doc, "span", { className: "arrow", attrs: { "aria-label": "to" } }, "→") : null,
        after ? h(doc, "span", { className: "value after", title: after }, after) : null,
      );
    }),
  );
}

/** Problems (why not) and warnings of a row; directory rows also say the region used. */
export function notes(doc, problems = [], warnings = [], region = null) {
  return h(
    doc,
    "ul",
    { className: "notes" },
    problems.map((p) => h(doc, "li", { className: "note problem" }, p)),
    warnings.map((w) => h(doc, "li", { className: "note warning" }, w)),
    region ? h(doc, "li", { className: "note region", testid: "row-region" }, `National numbers read as ${region}`) : null,
  );
}

/**
 * `settings`: ImportSettings from Rust. `onOptions({ defaultRegion, blankRemoves })` re-runs the
 * preview; `onMapHeader(header, column|null)`; `onApply(lines)` with the ticked lines.
 */
export function createPreview({ doc, settings, onOptions, onMapHeader, onApply, source = "file" }) {
  let rows = [];
  let counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0]));
  let unticked = new Set();
  let filter = null;
  // The rows the filter shows (only those in view are in the DOM: `body`).
  let visible = [];
  // Rows the finished preview says the file has: complete once that many arrived (channel
  // messages and the command's answer may arrive in either order).
  let expected = null;
  const complete = () => expected !== null && rows.length >= expected;

  const region = h(doc, "select", {
    testid: "region",
    id: "import-region",
    onchange: () => onOptions(options()),
  });
  region.append(h(doc, "option", { value: "" }, "None: numbers need a country code"));
  for (const { code, name } of regions(settings.defaultRegion)) {
    region.append(h(doc, "option", { value: code }, `${name} (${code})`));
  }
  region.value = settings.defaultRegion ?? "";
  const blank = h(doc, "input", {
    type: "checkbox",
    testid: "blank-removes",
    id: "import-blank-removes",
    onchange: () => onOptions(options()),
  });
  const columns = h(doc, "div", { className: "columns", testid: "columns" });
  const optionsBar = h(
    doc,
    "div",
    { className: "import-options" },
    h(
      doc,
      "label",
      { className: "option" },
      h(doc, "span", { className: "option-label" }, "Default region"),
      region,
      settings.regionFromTenant
        ? h(doc, "span", { className: "muted hint" }, "from your tenant")
        : null,
    ),
    h(
      doc,
      "label",
      { className: "option check" },
      blank,
      h(doc, "span", {}, "Blank cells remove methods"),
    ),
    columns,
  );

  const chips = new Map();
  const chipBar = h(doc, "div", { className: "chips", attrs: { role: "group", "aria-label": "Show rows" } });
  for (const key of ["all", ...OUTCOMES]) {
    const label = key === "all" ? "All" : outcomeLabel(key)[0];
    const count = h(doc, "span", { className: "chip-count" }, "0");
    const chip = h(
      doc,
      "button",
      {
        type: "button",
        className: `chip chip-${key}`,
        testid: `chip-${key}`,
        attrs: { "aria-pressed": String(key === "all") },
        onclick: () => setFilter(key === "all" ? null : key),
      },
      h(doc, "span", {}, label),
      count,
    );
    chips.set(key, { chip, count });
    chipBar.append(chip);
  }
  const tickCount = h(doc, "span", { className: "tick-count", testid: "tick-count", attrs: { "aria-live": "polite" } });
  const apply = h(doc, "button", {
    type: "button",
    className: "button primary",
    testid: "apply",
    disabled: true,
    onclick: () => onApply(ticked()),
  }, "Apply");

  const all = h(doc, "input", {
    type: "checkbox",
    testid: "tick-all",
    attrs: { "aria-label": "Tick every row shown that writes" },
    onchange: () => tickAll(all.checked),
  });
  const tbody = h(doc, "tbody", { testid: "preview-rows" });
  const status = h(doc, "p", { className: "table-status", testid: "preview-status" });
  const wrap = h(
    doc,
    "div",
    { className: "table-wrap import-table-wrap", testid: "preview-table-wrap", tabIndex: 0 },
    h(
      doc,
      "table",
      { className: "import-table", testid: "preview-table" },
      h(
        doc,
        "thead",
        {},
        h(
          doc,
          "tr",
          {},
          h(doc, "th", { className: "col-tick", scope: "col" }, all),
          h(doc, "th", { className: "col-line", scope: "col" }, source === "file" ? "Line" : "Row"),
          h(doc, "th", { className: "col-user", scope: "col" }, "User"),
          h(doc, "th", { className: "col-outcome", scope: "col" }, "Outcome"),
          h(doc, "th", { className: "col-changes", scope: "col" }, "Changes"),
          h(doc, "th", { className: "col-notes", scope: "col" }, "Problems and warnings"),
        ),
      ),
      tbody,
    ),
    status,
  );
  const body = virtualBody({ doc, wrap, tbody, colspan: 6, render: renderRow, key: (r) => r.line, estimate: estimatedHeight });

  optionsBar.hidden = source !== "file";
  const element = h(
    doc,
    "div",
    { className: "import-preview", testid: "import-preview" },
    optionsBar,
    h(doc, "div", { className: "filter-bar" }, chipBar, h(doc, "span", { className: "spacer" }), tickCount, apply),
    wrap,
  );

  function options() {
    return { defaultRegion: region.value || null, blankRemoves: Boolean(blank.checked) };
  }

  function isTicked(row) {
    return row.writes && !unticked.has(row.line);
  }

  function ticked() {
    return rows.filter(isTicked).map((r) => r.line);
  }

  function renderRow(row) {
    const tick = h(doc, "input", {
      type: "checkbox",
      testid: "row-tick",
      checked: isTicked(row),
      disabled: !row.writes,
      attrs: { "aria-label": `Apply line ${row.line}` },
      onchange: () => {
        if (tick.checked) unticked.delete(row.line);
        else unticked.add(row.line);
        updateTicks();
      },
    });
    return h(
      doc,
      "tr",
      { testid: "preview-row", data: { line: String(row.line), outcome: row.outcome } },
      h(doc, "td", { className: "col-tick" }, tick),
      h(doc, "td", { className: "col-line" }, String(row.line)),
      h(doc, "td", { className: "col-user" }, userCell(doc, row)),
      h(doc, "td", { className: "col-outcome" }, pill(doc, ...outcomeLabel(row.outcome), "outcome")),
      h(doc, "td", { className: "col-changes" }, changeList(doc, row.changes)),
      h(doc, "td", { className: "col-notes" }, notes(doc, row.problems, row.warnings, row.region)),
    );
  }

  const matches = (row) => filter === null || row.outcome === filter;

  function paintStatus() {
    const shown = filter === null ? rows.length : counts[filter];
    const what = source === "file" ? "the file" : "the directory";
    if (!complete()) status.textContent = `Reading ${what} and the users' current methods… ${plural(rows.length, "row")} so far.`;
    else if (shown === 0) status.textContent = rows.length ? "No rows with this outcome." : `${what[0].toUpperCase()}${what.slice(1)} has no rows.`;
    else status.textContent = "";
    status.hidden = status.textContent === "";
  }

  function render() {
    visible = rows.filter(matches);
    body.show(visible);
    paintStatus();
  }

  function paintCounts() {
    chips.get("all").count.textContent = rows.length.toLocaleString("en-US");
    for (const o of OUTCOMES) chips.get(o).count.textContent = counts[o].toLocaleString("en-US");
    for (const [key, { chip }] of chips) {
      chip.setAttribute("aria-pressed", String((key === "all" ? null : key) === filter));
    }
  }

  function updateTicks() {
    const writable = rows.filter((r) => r.writes).length;
    const n = ticked().length;
    tickCount.textContent = writable
      ? `${n.toLocaleString("en-US")} of ${plural(writable, "row")} to write ticked`
      : complete()
        ? "Nothing to write"
        : "";
    apply.textContent = n ? `Apply ${plural(n, "row")}…` : "Apply";
    apply.disabled = !complete() || n === 0;
    const shownWritable = rows.filter((r) => r.writes && matches(r));
    all.checked = shownWritable.length > 0 && shownWritable.every(isTicked);
    all.disabled = shownWritable.length === 0;
  }

  function tickAll(on) {
    for (const r of rows) if (r.writes && matches(r)) on ? unticked.delete(r.line) : unticked.add(r.line);
    render();
    updateTicks();
  }

  function setFilter(outcome) {
    filter = outcome;
    wrap.scrollTop = 0;
    render();
    paintCounts();
    updateTicks();
  }

  function paintColumns(file) {
    const known = new Set(file.headers.map((x) => x.column).filter(Boolean));
    const describe = new Map(settings.columns.map((c) => [c.id, c.describe]));
    const items = file.headers.map((header) => {
      if (header.column) {
        return h(doc, "span", { className: "column mapped", testid: "column" },
          h(doc, "strong", {}, header.name), ` → ${describe.get(header.column) ?? header.column}`);
      }
      if (!header.name) return null;
      const select = h(doc, "select", {
        testid: "map-header",
        data: { header: header.name },
        attrs: { "aria-label": `Column for “${header.name}”` },
        onchange: () => onMapHeader(header.name, select.value || null),
      });
      select.append(h(doc, "option", { value: "" }, "ignored"));
      for (const c of settings.columns) {
        if (!known.has(c.id)) select.append(h(doc, "option", { value: c.id }, c.describe));
      }
      return h(doc, "span", { className: "column unknown", testid: "column" },
        h(doc, "strong", {}, header.name), " → ", select);
    });
    columns.replaceChildren(h(doc, "span", { className: "option-label" }, "Columns"), ...items.filter(Boolean));
  }

  return {
    element,
    options,
    /** A new preview starts: forget the rows (the ticks too) and say what is being read. */
    reset() {
      rows = [];
      counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0]));
      unticked = new Set();
      body.forget();
      wrap.scrollTop = 0;
      expected = null;
      columns.replaceChildren();
      render();
      paintCounts();
      updateTicks();
    },
    /** Rows as they arrive (file order). */
    addRows(list) {
      rows.push(...list);
      for (const r of list) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
      visible.push(...list.filter(matches));
      body.grew();
      paintCounts();
      updateTicks();
      paintStatus();
    },
    /** The preview is complete: `done` is PreviewDone (a file) or DirectoryDone. */
    finish(done) {
      expected = done.file ? done.file.rows : done.rows;
      if (done.file) paintColumns(done.file);
      paintCounts();
      updateTicks();
      paintStatus();
    },
    setFilter,
    complete,
    ticked,
    get rows() {
      return rows;
    },
  };
}
