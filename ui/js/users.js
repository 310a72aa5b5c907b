// The user list: a search box driving a table. It is handed the api (js/api.js, or a fake in
// tests) and its elements, so it runs without Tauri. Rows arrive ready to show (UserRow from
// src-tauri/src/ipc.rs); the only logic here is presentation, debouncing and ordering answers.

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

function pill(doc, [text, variant]) {
  const span = doc.createElement("span");
  span.className = `pill pill-${variant}`;
  span.textContent = text;
  return span;
}

function cell(doc, column, ...children) {
  const td = doc.createElement("td");
  td.className = `col-${column}`;
  td.dataset.col = column;
  td.append(...children);
  return td;
}

/** One <tr> for a UserRow. */
export function renderRow(doc, user) {
  const tr = doc.createElement("tr");
  tr.dataset.testid = "user-row";
  tr.dataset.userId = user.id;

  const avatar = doc.createElement("span");
  avatar.className = "avatar avatar-sm";
  avatar.setAttribute("aria-hidden", "true");
  avatar.textContent = initials(user.displayName);
  const name = doc.createElement("span");
  name.className = "user-name";
  name.textContent = user.displayName;
  const who = doc.createElement("span");
  who.className = "name-cell";
  who.append(avatar, name);

  const upn = doc.createElement("span");
  upn.className = "upn";
  upn.textContent = user.userPrincipalName;
  upn.title = user.userPrincipalName;

  const status =
    user.accountEnabled === true
      ? ["Enabled", "ok"]
      : user.accountEnabled === false
        ? ["Disabled", "off"]
        : ["Unknown", "neutral"];

  tr.append(
    cell(doc, "name", who),
    cell(doc, "upn", upn),
    cell(doc, "source", pill(doc, SOURCE[user.source] ?? [user.source, "neutral"])),
    cell(doc, "status", pill(doc, status)),
    cell(doc, "type", pill(doc, TYPE[user.userType] ?? [user.userType, "neutral"])),
  );
  return tr;
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
