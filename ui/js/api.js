// The only seam between the UI and Tauri: every call to the Rust side goes through here, so the
// other modules can be run against a fake. Rejections carry the IPC error object
// ({ kind: "notSignedIn" | "throttled" | "graph" | "internal", ... }) unchanged.

function invoke(command, args) {
  const tauri = window.__TAURI__;
  if (!tauri?.core?.invoke) {
    return Promise.reject({
      kind: "internal",
      message: "Prestage's backend is not available (is this page open outside the app?).",
    });
  }
  return tauri.core.invoke(command, args);
}

/** Users matching `query`; an empty query lists the first page. Resolves to UserRow[]. */
export function listUsers(query) {
  return invoke("list_users", { query });
}

/** The tenant and the signed-in account: { tenantName, account, role, sandbox }. */
export function sessionInfo() {
  return invoke("session_info");
}
