// The user list: a search box driving a table. It is handed the api (js/api.js, or a fake in
// tests) and its elements, so it runs without Tauri. Rows arrive ready to show (UserRow from
// src-tauri/src/ipc.rs); the only logic here is presentation, debouncing and ordering answers.

import { h, pill } from "./dom.js";

export const SEARCH_DEBOUNCE_MS = 150;

const SOURCE = { cloud: ["Cloud", "neutral"], synced: ["Synced", "info"] };
const TYPE = { member: ["Member", "neutral"], guest: ["Guest", "warn"] };

/** Up to two initials for an avatar. */
export function initials(name) {
  const words = String(name ?? "")
    .split(/[\s@._-]+/)
    .filter(Boolean);
  return words
    .slice(0, 2)
    .map((w) => w[0].toUpperCase())
    .join("");
}

function cell(doc, column, ...children) {
  return h(doc, "td", { className: `col-${column}`, data: { col: column } }, ...children);
}

/** One <tr> for a UserRow. */
export function renderRow(doc, user) {
  const who = h(
    doc,
    "span",
    { className: "name-cell" },
    h(doc, "span", { className: "avatar avatar-sm", "aria-hidden": "true" }, initials(user.displayName)),
    h(doc, "span", { className: "user-name" }, user.displayName),
  );
  const upn = h(doc, "span", { className: "upn", title: user.userPrincipalName }, user.userPrincipalName);
  const status =
    user.accountEnabled === true
      ? ["Enabled", "ok"]
      : user.accountEnabled === false
        ? ["Disabled", "off"]
        : ["Unknown", "neutral"];
  return h(
    doc,
    "tr",
    { testid: "user-row", data: { userId: user.id } },
    cell(doc, "name", who),
    cell(doc, "upn", upn),
    cell(doc, "source", pill(doc, ...(SOURCE[user.source] ?? [user.source, "neutral"]))),
    cell(doc, "status", pill(doc, ...status)),
    cell(doc, "type", pill(doc, ...(TYPE[user.userType] ?? [user.userType, "neutral"]))),
  );
}

function countText(n, query) {
  if (query) return n === 1 ? "1 match" : `${n} matches`;
  return `${n} shown`;
}

/**
 * Wires the search box to the table. `elements`: { input, tbody, count, empty, loading, wrap }.
 * `errors`: { show(error, source), clear(source) }. Typing searches after `debounceMs`; Enter
 * searches at once; an answer that arrives after a newer search started is dropped. Arrow keys
 * in the search box move a selection over the rows; Enter (or a click) opens `onOpen(user)`.
 */
export function mountUsers({
  api,
  elements,
  errors,
  debounceMs = SEARCH_DEBOUNCE_MS,
  timers = globalThis,
  onOpen = () => {},
}) {
  const { input, tbody, count, empty, loading, wrap } = elements;
  const doc = tbody.ownerDocument;
  let latest = 0;
  let pending = null;
  let shown = []; // [{ user, tr }]
  let selected = -1;

  function select(index) {
    if (shown[selected]) shown[selected].tr.setAttribute("aria-selected", "false");
    selected = shown.length ? Math.max(-1, Math.min(index, shown.length - 1)) : -1;
    const row = shown[selected];
    if (row) {
      row.tr.setAttribute("aria-selected", "true");
      row.tr.scrollIntoView?.({ block: "nearest" });
    }
  }

  function render(rows, query) {
    shown = rows.map((user) => ({ user, tr: renderRow(doc, user) }));
    selected = -1;
    tbody.replaceChildren(...shown.map((r) => r.tr));
    count.textContent = countText(rows.length, query);
    empty.hidden = rows.length > 0;
  }

  async function search(query) {
    const ticket = ++latest;
    wrap.setAttribute("aria-busy", "true");
    try {
      const rows = await api.listUsers(query);
      if (ticket !== latest) return; // a newer search is under way: this answer is stale
      render(rows, query);
      errors.clear("users");
    } catch (error) {
      if (ticket !== latest) return;
      errors.show(error, "users");
    } finally {
      if (ticket === latest) {
        wrap.setAttribute("aria-busy", "false");
        loading.hidden = true;
      }
    }
  }

  function searchNow() {
    timers.clearTimeout(pending);
    pending = null;
    return search(input.value.trim());
  }

  input.addEventListener("input", () => {
    select(-1);
    timers.clearTimeout(pending);
    pending = timers.setTimeout(searchNow, debounceMs);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault?.();
      select(selected + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && shown[selected]) {
      onOpen(shown[selected].user);
    } else if (event.key === "Enter") {
      searchNow();
    }
  });
  tbody.addEventListener("click", (event) => {
    const tr = event.target?.closest?.('[data-testid="user-row"]');
    const index = shown.findIndex((r) => r.tr === tr);
    if (index >= 0) {
      select(index);
      onOpen(shown[index].user);
    }
  });

  return { search, searchNow, select };
}
