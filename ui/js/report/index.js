// The Report tab: who is registered with what, who cannot do MFA, who breaks on 1 Feb 2027.
// It asks Rust for the report (rows stream in with progress), shows the source in use and why,
// tiles with counts that filter in one click, search and sort over a virtualized table, and
// hands selected rows on: open a user's panel, refresh them live, export them. Every rule is
// Rust's; rows arrive ready to show.

import { byTestid, h } from "../dom.js";
import { searchKey, tileCounts, visibleRows, windowOf } from "./model.js";

/** Must match `.report-table tbody tr` in css/report.css. */
export const ROW_HEIGHT = 44;

const KIND = { member: "Member", internalGuest: "Internal guest", external: "External" };
const yesNo = (v) => (v === true ? "Yes" : v === false ? "No" : "?");

const COLUMNS = [
  ["select", ""],
  ["name", "Name"],
  ["kind", "Type"],
  ["admin", "Admin"],
  ["methods", "Methods"],
  ["default", "Default"],
  ["sms", "SMS sign-in"],
  ["sspr", "Reset after 1 Feb"],
  ["breaks", "Breaks on"],
  ["mfa", "Per-user MFA"],
  ["source", "Source"],
];

/**
 * Mounts the tab into `root`. `onOpenUser(id, { why })` opens a user's panel (and asks why they are asked to register); `errors` is the app's
 * error region (guarded); `api` is js/api.js or a fake.
 */
export function mountReport({ api, errors, root, onOpenUser, onCampaign }) {
  const doc = root.ownerDocument;
  let rows = [];
  let keys = [];
  let index = new Map();
  let shown = [];
  let tiles = [];
  let tile = null;
  let sort = { key: "breaks", dir: 1 };
  let selected = new Set();
  let running = false;

  const sourceSelect = h(doc, "select", { testid: "report-source", attrs: { "aria-label": "Source" } },
    h(doc, "option", { value: "auto" }, "Best available source"),
    h(doc, "option", { value: "registration" }, "Registration report"),
    h(doc, "option", { value: "methods" }, "Each user's methods (live)"));
  const runButton = h(doc, "button", { className: "button primary small", testid: "report-run", onclick: () => run() }, "Make report");
  const progress = h(doc, "progress", { testid: "report-progress", max: 1, value: 0, hidden: true });
  const progressText = h(doc, "span", { className: "count", testid: "report-progress-text" });
  const source = h(doc, "p", { className: "report-source", testid: "report-source-line", hidden: true });
  const warnings = h(doc, "ul", { className: "report-warnings", testid: "report-warnings", hidden: true });
  const unavailable = h(doc, "p", { className: "report-unavailable", testid: "report-unavailable", attrs: { role: "alert" }, hidden: true });
  const tileBar = h(doc, "div", { className: "report-tiles", testid: "report-tiles" });
  const search = h(doc, "input", { type: "search", testid: "report-search", placeholder: "Search by name or UPN", attrs: { "aria-label": "Search the report" }, oninput: () => render() });
  const count = h(doc, "span", { className: "count", testid: "report-count", attrs: { "aria-live": "polite" } });
  const openButton = h(doc, "button", { className: "button small", testid: "report-open-user", disabled: true, onclick: () => onOpenUser([...selected][0]) }, "Open user");
  const refreshButton = h(doc, "button", { className: "button small", testid: "report-refresh", disabled: true, onclick: () => refreshSelected() }, "Refresh selected");
  const exportButton = h(doc, "button", { className: "button small", testid: "report-export", disabled: true, onclick: () => exportRows() }, "Export");
  const mfaButton = h(doc, "button", { className: "button small", testid: "report-mfa", disabled: true, attrs: { title: "One more read per user; Global Reader, Authentication Policy Administrator or Global Administrator" }, onclick: () => readMfa() }, "Read per-user MFA");
  const campaignButton = h(doc, "button", { className: "button primary small", testid: "report-campaign", hidden: true, onclick: () => startCampaign() }, "Move off SMS…");
  const status = h(doc, "span", { className: "count", testid: "report-status", attrs: { "aria-live": "polite" } });

  const head = h(doc, "tr", {}, COLUMNS.map(([key, label]) =>
    h(doc, "th", { scope: "col", className: `rcol-${key}`, data: { sort: key }, onclick: () => sortBy(key) }, label)));
  const tbody = h(doc, "tbody", { testid: "report-rows" });
  const table = h(doc, "table", { className: "users report-table", testid: "report-table" }, h(doc, "thead", {}, head), tbody);
  const viewport = h(doc, "div", { className: "table-wrap report-wrap", testid: "report-viewport", onscroll: () => renderWindow() }, table);

  root.append(
    h(doc, "div", { className: "toolbar" },
      h(doc, "h1", { className: "title" }, "Report"), sourceSelect, runButton, progress, progressText),
    source, warnings, unavailable, tileBar,
    h(doc, "div", { className: "toolbar report-actions" },
      h(doc, "label", { className: "search" }, search), count,
      h(doc, "span", { className: "spacer" }), status, campaignButton, openButton, refreshButton, mfaButton, exportButton),
    viewport,
  );

  function setRows(next) {
    rows = next;
    keys = rows.map(searchKey);
    index = new Map(rows.map((r, i) => [r.id, i]));
  }

  /** Rows that arrived in the report's stream: indexed as they come, not the whole list again. */
  function addRows(more) {
    for (const r of more) {
      index.set(r.id, rows.length);
      rows.push(r);
      keys.push(searchKey(r));
    }
  }

  function renderTiles() {
    const counts = tileCounts(rows, tiles);
    tileBar.replaceChildren(...tiles.map((t) =>
      h(doc, "button", {
        className: `report-tile${tile === t.name ? " active" : ""}`,
        testid: "report-tile",
        data: { tile: t.name },
        attrs: { "aria-pressed": String(tile === t.name) },
        onclick: () => { tile = tile === t.name ? null : t.name; render(); },
      }, h(doc, "span", { className: "report-tile-count", testid: "report-tile-count" }, String(counts[t.name] ?? 0)),
         h(doc, "span", { className: "report-tile-label" }, t.label))));
  }

  function rowElement(r) {
    const box = h(doc, "input", { type: "checkbox", checked: selected.has(r.id), attrs: { "aria-label": `Select ${r.displayName}` },
      onchange: () => { if (selected.has(r.id)) selected.delete(r.id); else selected.add(r.id); updateActions(); } });
    const name = h(doc, "button", { className: "link report-name", testid: "report-open", onclick: () => onOpenUser(r.id) }, r.displayName);
    const why = h(doc, "button", { className: "link report-why", testid: "report-why", attrs: { title: `Why is ${r.displayName} asked to register?` }, onclick: () => onOpenUser(r.id, { why: true }) }, "Why asked?");
    const who = h(doc, "span", { className: "name-cell" }, h(doc, "span", { className: "report-name-line" }, name, why), h(doc, "span", { className: "upn" }, r.userPrincipalName));
    const methods = r.methods === null ? "Not readable" : r.methods.length ? r.methods.join(", ") : "None";
    const admin = r.admin === true ? (r.adminRoles?.length ? r.adminRoles.join(", ") : "Admin") : yesNo(r.admin);
    const deflt = r.defaultMethod ? `${r.defaultMethod}${r.defaultOverridden ? " (system-preferred decides)" : ""}` : "—";
    const breaks = h(doc, "span", { title: r.breaks }, r.breaksOn ?? (r.breaks || "—"));
    const src = h(doc, "span", { title: r.note ?? "" }, r.source === "registration" ? "Report" : "Live");
    const cells = [
      box, who, `${KIND[r.kind] ?? r.kind}${r.enabled ? "" : " · disabled"}`, admin, methods, deflt,
      yesNo(r.smsSignIn), yesNo(r.ssprAfterRetirement), breaks, r.perUserMfa ?? "—", src,
    ];
    const tr = h(doc, "tr", { testid: "report-row", data: { userId: r.id, tiles: r.tiles.join(" ") } },
      cells.map((c, i) => h(doc, "td", { className: `rcol-${COLUMNS[i][0]}`, title: typeof c === "string" ? c : undefined }, c)));
    if (r.breaksOn) tr.className = "breaks";
    return tr;
  }

  function spacer(height) {
    const td = h(doc, "td", { attrs: { colspan: String(COLUMNS.length) } });
    const tr = h(doc, "tr", { className: "report-spacer" }, td);
    if (td.style) td.style.height = `${height}px`;
    return tr;
  }

  function renderWindow() {
    const height = viewport.clientHeight || 600;
    const { first, last } = windowOf(viewport.scrollTop || 0, height, ROW_HEIGHT, shown.length);
    tbody.replaceChildren(
      spacer(first * ROW_HEIGHT),
      ...shown.slice(first, last).map((i) => rowElement(rows[i])),
      spacer((shown.length - last) * ROW_HEIGHT),
    );
  }

  function render() {
    shown = visibleRows(rows, keys, { tile, query: search.value, sort });
    count.textContent = `${shown.length} of ${rows.length}`;
    for (const th of head.children) {
      const key = th.dataset.sort;
      th.setAttribute("aria-sort", key === sort.key ? (sort.dir > 0 ? "ascending" : "descending") : "none");
    }
    renderTiles();
    renderWindow();
    updateActions();
  }

  function sortBy(key) {
    if (key === "select") return;
    sort = sort.key === key ? { key, dir: -sort.dir } : { key, dir: 1 };
    render();
  }

  /** A campaign from the tile shown (or the selected rows). */
  function startCampaign() {
    if (!onCampaign) return;
    if (selected.size) onCampaign({ ids: [...selected] });
    else if (tile) onCampaign({ tile, label: tiles.find((t) => t.name === tile)?.label ?? tile, count: shown.length });
  }

  function updateActions() {
    campaignButton.hidden = !onCampaign || running || (!tile && selected.size === 0);
    campaignButton.textContent = selected.size ? `Move ${selected.size} selected off SMS…` : "Move these users off SMS…";
    openButton.disabled = selected.size !== 1;
    refreshButton.disabled = selected.size === 0 || running;
    exportButton.disabled = rows.length === 0 || running;
    mfaButton.disabled = rows.length === 0 || running;
    exportButton.textContent = selected.size ? `Export ${selected.size} selected` : "Export all";
  }

  function showProgress(done, total) {
    progress.hidden = !running;
    progress.max = Math.max(total, 1);
    progress.value = done;
    progressText.textContent = running ? `${done} of ${total} users…` : `${done} users`;
  }

  async function run() {
    if (running) return;
    running = true;
    errors.clear("report");
    unavailable.hidden = true;
    warnings.hidden = true;
    warnings.replaceChildren();
    selected = new Set();
    setRows([]);
    runButton.disabled = true;
    runButton.textContent = "Making report…";
    showProgress(0, 0);
    render();
    const pending = [];
    try {
      const done = await api.reportRun(sourceSelect.value, (m) => {
        if (m.type === "started") {
          tiles = m.tiles;
          source.hidden = false;
          source.textContent = `Source: ${m.source.source === "registration" ? "registration report" : "each user's methods"} — ${m.source.reason}`;
          showProgress(0, m.total);
        } else if (m.type === "rows") {
          addRows(m.rows);
          showProgress(m.done, m.total);
          render();
        } else if (m.type === "warning") {
          pending.push(m.text);
          warnings.hidden = false;
          warnings.append(h(doc, "li", { testid: "report-warning" }, m.text));
        }
      });
      running = false;
      showProgress(done.users, done.users);
    } catch (error) {
      running = false;
      showProgress(rows.length, rows.length);
      if (error?.kind === "reportUnavailable") {
        unavailable.hidden = false;
        unavailable.textContent = error.message;
      } else {
        errors.show(error, "report");
      }
    } finally {
      runButton.disabled = false;
      runButton.textContent = "Make report again";
      render();
    }
  }

  async function refreshSelected() {
    const ids = [...selected];
    refreshButton.disabled = true;
    status.textContent = `Refreshing ${ids.length}…`;
    try {
      const fresh = await api.reportRefresh(ids);
      const next = rows.slice();
      for (const f of fresh) if (index.has(f.id)) next[index.get(f.id)] = f;
      setRows(next);
      status.textContent = `Refreshed ${fresh.length} live`;
      render();
    } catch (error) {
      status.textContent = "";
      errors.show(error, "report");
    } finally {
      updateActions();
    }
  }

  async function readMfa() {
    mfaButton.disabled = true;
    status.textContent = "Reading per-user MFA…";
    try {
      const fresh = await api.reportMfaState();
      const next = rows.slice();
      for (const f of fresh) if (index.has(f.id)) next[index.get(f.id)] = f;
      setRows(next);
      status.textContent = `Per-user MFA read for ${fresh.filter((f) => f.perUserMfa).length} users`;
      render();
    } catch (error) {
      status.textContent = "";
      if (error?.kind === "reportUnavailable") {
        unavailable.hidden = false;
        unavailable.textContent = error.message;
      } else {
        errors.show(error, "report");
      }
    } finally {
      updateActions();
    }
  }

  async function exportRows() {
    try {
      const name = await api.reportExport([...selected]);
      status.textContent = name ? `Saved ${name}` : "";
    } catch (error) {
      errors.show(error, "report");
    }
  }

  render();
  return {
    /** Makes the report the first time the tab opens. */
    shown() {
      if (!rows.length && !running && unavailable.hidden) run();
    },
    signedOut() {
      setRows([]);
      tiles = [];
      selected = new Set();
      source.hidden = true;
      render();
    },
    /** For tests: the rows on screen. */
    rowsShown: () => byTestid(tbody, "report-row"),
  };
}
