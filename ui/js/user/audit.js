// The audit log view: a drawer listing every write made from the user panel (newest first;
// numbers come masked from Rust) with a CSV export that Rust writes to disk.

import { h } from "../dom.js";

function time(text) {
  return typeof text === "string" ? text.replace("T", " ").slice(0, 19) : "";
}

/**
 * Mounts the drawer into `root`; `button` opens it. Returns { open(), close(), refresh() }.
 */
export function mountAudit({ api, errors, root, button }) {
  const doc = root.ownerDocument;
  const rows = h(doc, "tbody", { testid: "audit-rows" });
  const empty = h(doc, "p", { className: "empty", testid: "audit-empty", text: "Nothing has been changed from this computer yet.", hidden: true });
  const exported = h(doc, "p", { className: "muted", testid: "audit-exported", "aria-live": "polite", hidden: true });
  const exportButton = h(doc, "button", { type: "button", className: "button small", text: "Export CSV", testid: "audit-export" });
  const closeButton = h(doc, "button", { type: "button", className: "button small", text: "Close", testid: "audit-close" });
  const panel = h(doc, "aside", { className: "user-panel audit-panel", testid: "audit-panel", "aria-label": "Audit log", hidden: true },
    h(doc, "div", { className: "user-panel-body" },
      h(doc, "header", { className: "user-head" },
        h(doc, "div", { className: "user-who" },
          h(doc, "h2", { className: "user-title", text: "Audit log" }),
          h(doc, "p", { className: "muted", text: "Every change made from this computer, with Graph's request-id. Phone numbers are masked." })),
        h(doc, "div", { className: "phone-form" }, exportButton, closeButton)),
      exported,
      h(doc, "table", { className: "user-table audit" },
        h(doc, "thead", {}, h(doc, "tr", {}, ["Time (UTC)", "Admin", "User", "Change", "Before → after", "Result", "Request-id"].map((t) => h(doc, "th", { text: t })))),
        rows),
      empty));
  root.append(panel);

  async function refresh() {
    try {
      const entries = await api.auditEntries();
      rows.replaceChildren(
        ...entries.map((e) =>
          h(doc, "tr", { testid: "audit-row" },
            h(doc, "td", { className: "muted", text: time(e.time) }),
            h(doc, "td", { text: e.admin }),
            h(doc, "td", { text: e.user }),
            h(doc, "td", { text: `${e.action} ${e.method}` }),
            h(doc, "td", { className: "mono", text: `${e.before ?? "—"} → ${e.after ?? "—"}` }),
            h(doc, "td", { text: e.ok ? "ok" : `failed${e.error ? `: ${e.error}` : ""}` }),
            h(doc, "td", { className: "mono muted", text: e.requestId ?? "" }))),
      );
      empty.hidden = entries.length > 0;
      errors.clear("audit");
    } catch (error) {
      errors.show(error, "audit");
    }
  }

  function close() {
    panel.hidden = true;
  }

  exportButton.addEventListener("click", async () => {
    try {
      const name = await api.exportAudit();
      exported.textContent = name ? `Saved ${name}` : "";
      exported.hidden = !name;
      errors.clear("audit");
    } catch (error) {
      errors.show(error, "audit");
    }
  });
  closeButton.addEventListener("click", close);
  button?.addEventListener("click", () => (panel.hidden ? open() : close()));

  function open() {
    exported.hidden = true;
    panel.hidden = false;
    return refresh();
  }

  return { open, close, refresh, isOpen: () => !panel.hidden };
}
