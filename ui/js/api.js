// The only seam between the UI and Tauri: every call to the Rust side goes through here, so the
// other modules can be run against a fake. Rejections carry the IPC error object ({ kind:
// "notSignedIn" | "throttled" | "graph" | "signInFailed" | "signInCancelled" | "keychain" |
// "invalidSetup" | "internal", ... }) unchanged. No token ever comes through here.

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

/**
 * The signed-in account: { tenantName, account: { displayName, userPrincipalName }, role, roles,
 * powers: { changesAnyUser, changesNonAdmins, seesMaskedNumbers, canReadReports }, allows, sandbox }.
 */
export function sessionInfo() {
  return invoke("session_info");
}

/**
 * Start-up status: { session: SessionInfo|null, setup: { configured, clientId, tenant },
 * rememberedAccount: { displayName, userPrincipalName, tenantName }|null, problem: IpcError|null }.
 * Resolves once the silent sign-in at start-up has finished.
 */
export function appStatus() {
  return invoke("app_status");
}

/** Opens the system browser and waits for the sign-in to finish. Resolves to SessionInfo. */
export function signInBrowser() {
  return invoke("sign_in_browser");
}

/** Asks for a device code: { userCode, verificationUri, message, expiresInS }. */
export function signInDeviceStart() {
  return invoke("sign_in_device_start");
}

/** Waits until the device code is approved elsewhere. Resolves to SessionInfo. */
export function signInDeviceFinish() {
  return invoke("sign_in_device_finish");
}

/** Stops a sign-in that is waiting; it rejects with { kind: "signInCancelled" }. */
export function cancelSignIn() {
  return invoke("cancel_sign_in");
}

/** Signs in to the in-process sandbox tenant. Resolves to SessionInfo. */
export function useSandbox() {
  return invoke("use_sandbox");
}

/** Deletes the stored sign-in. Resolves to the new app status. */
export function signOut() {
  return invoke("sign_out");
}

/** Saves the app registration. Resolves to the new app status; rejects with invalidSetup. */
export function saveSetup(clientId, tenant) {
  return invoke("save_setup", { clientId, tenant });
}

/** The admin-consent link for a client ID and tenant (rejects with invalidSetup). */
export function adminConsentLink(clientId, tenant) {
  return invoke("admin_consent_link", { clientId, tenant });
}

/** Opens the admin-consent link in the system browser; resolves to the link. */
export function openAdminConsent(clientId, tenant) {
  return invoke("open_admin_consent", { clientId, tenant });
}
