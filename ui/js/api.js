// The only seam between the UI and Tauri: every call to the Rust side goes through here, so the
// other modules can be run against a fake. Rejections carry the IPC error object ({ kind:
// "notSignedIn" | "throttled" | "graph" | "signInFailed" | "signInCancelled" | "keychain" |
// "invalidSetup" | "invalidCsv" | "reportUnavailable" | "internal", ... }) unchanged. No token ever comes through here.

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

/** Start-up benchmark: the first screen can take input (ignored unless the app was asked). */
export function startupMark(name) {
  return invoke("startup_mark", { name }).catch(() => {});
}

/** Users matching `query`; an empty query lists the first page. Resolves to UserRow[]. */
export function listUsers(query) {
  return invoke("list_users", { query });
}

// --- One user's fixes (the user panel). Every verdict, number and reason comes from Rust.

/** One user's overview with the pre-flight verdict of every action (UserDetail). */
export function userOverview(userId) {
  return invoke("user_overview", { userId });
}

/**
 * Per-user MFA: { state, registered, securityDefaults, mfaPolicies, fit, advice, cannotChange,
 * choices: [{ state, allowed, reason }] }. A role that may not read it rejects with kind "refused".
 */
export function userMfaState(userId) {
  return invoke("user_mfa_state", { userId });
}

/** Sets per-user MFA ("disabled" | "enabled" | "enforced"); resolves to { before, after, consentAsked, warnings }. */
export function setUserMfaState(userId, mfaState) {
  return invoke("set_user_mfa_state", { userId, mfaState });
}

/** Why the user is still asked to register: { summary, asked, registered, findings }. */
export function whyAsked(userId) {
  return invoke("why_asked", { userId });
}

/** What a phone field will send: { number, kind, region, repairs, warnings, problem }. */
export function checkPhone(input, region, phoneType) {
  return invoke("check_phone", { input, region: region || null, phoneType: phoneType ?? null });
}

/**
 * One edit ({ action: "setPhone", phoneType, input } | { action: "removePhone", phoneType } |
 * { action: "setEmail", address } | { action: "removeEmail" } | { action: "smsSignIn", enabled } |
 * { action: "defaultMethod", method }); resolves to { written, warnings, kept, failed }.
 */
export function applyUserEdit(userId, edit, region) {
  return invoke("apply_user_edit", { userId, edit, region: region || null });
}

/**
 * Issues a Temporary Access Pass for { lifetimeMinutes, oneTime, start (ISO time or null: now) };
 * resolves to { pass, userPrincipalName, start, lifetimeMinutes, oneTime } — show it once.
 */
export function issueTap(userId, choice) {
  return invoke("issue_tap", { userId, choice });
}

/** Removes an Authenticator / FIDO2 / OATH / TAP / Windows Hello method by kind and id. */
export function removeUserMethod(userId, kind, methodId) {
  return invoke("remove_user_method", { userId, kind, methodId });
}

/** Removes phones, Authenticator apps and OATH tokens in the order Graph accepts. */
export function requireReregistration(userId) {
  return invoke("require_reregistration", { userId });
}

/** The audit log, newest first (AuditRow[]). */
export function auditEntries() {
  return invoke("audit_entries");
}

/** Writes the audit log as CSV; resolves to the file's path. */
/** Saves the audit log as CSV (save dialog); resolves to the file name or null if cancelled. */
export function exportAudit() {
  return invoke("export_audit");
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
export function saveSetup(clientId, tenant, deviceCode = false) {
  return invoke("save_setup", { clientId, tenant, deviceCode });
}

/** The admin-consent link for a client ID and tenant (rejects with invalidSetup). */
export function adminConsentLink(clientId, tenant) {
  return invoke("admin_consent_link", { clientId, tenant });
}

/** Opens the admin-consent link in the system browser; resolves to the link. */
export function openAdminConsent(clientId, tenant) {
  return invoke("open_admin_consent", { clientId, tenant });
}

// --- CSV import. Rust reads and writes the files (picked, dropped or saved through native
// dialogs); the webview only ever sees file names. Streams come through Tauri channels.

/** A Tauri channel delivering each message to `onMessage` (null outside the app). */
function channel(onMessage) {
  const Channel = window.__TAURI__?.core?.Channel;
  if (!Channel) return null;
  const ch = new Channel();
  ch.onmessage = onMessage;
  return ch;
}

// --- Campaigns (the move off SMS and voice). Rust holds the passes until they are saved once;
// the webview sees only how many wait.

export function campaignList() {
  return invoke("campaign_list");
}

/** From the last report: a tile's users (`tile`) or the selected `ids`. */
export function campaignCreate(name, tile, ids, exclusionGroup) {
  return invoke("campaign_create", { name, tile, ids, exclusionGroup });
}

/** Where every user is, their methods re-read live. */
export function campaignStatus(name) {
  return invoke("campaign_status", { name });
}

/** `request`: { step, lifetimeMinutes?, once?, start?, wave?, keepOffice?, threshold? }. */
export function campaignPreview(name, request) {
  return invoke("campaign_preview", { name, request });
}

export function campaignRun(name, previewId, confirm, onProgress) {
  return invoke("campaign_run", { name, previewId, confirm, onProgress: channel(onProgress) });
}

export function campaignRecover(name, onProgress) {
  return invoke("campaign_recover", { name, onProgress: channel(onProgress) });
}

/** "pause" | "resume" | "cancel" the step running. */
export function campaignControl(action) {
  return invoke("campaign_control", { action });
}

/** Saves the waiting passes once (save dialog); the file name, or null when cancelled. */
export function campaignSavePasses(name, tz) {
  return invoke("campaign_save_passes", { name, tz });
}

export function campaignUndo(name, run, onProgress) {
  return invoke("campaign_undo", { name, run, onProgress: channel(onProgress) });
}

export function campaignPolicy() {
  return invoke("campaign_policy");
}

/** Sandbox only: a user registers `method` with their pass. */
export function sandboxRegister(user, method, pass) {
  return invoke("sandbox_register", { user, method, pass });
}

// --- The tenant report. Rust makes it and keeps its rows; the webview gets rows to show.

/**
 * Makes the report from `source` ("auto" | "registration" | "methods"); `onEvent` gets
 * { type: "started", source: { source, reason }, total, tiles } once, then { type: "rows",
 * rows, done, total } pages and { type: "warning", text }. Resolves to { source, users,
 * warnings }; rejects with { kind: "reportUnavailable", message } when the role can read
 * neither source (or the chosen one).
 */
export function reportRun(source, onEvent) {
  return invoke("report_run", { source, onEvent: channel(onEvent) });
}

/** Re-reads the live methods of the rows `ids`; resolves to the fresh rows. */
export function reportRefresh(ids) {
  return invoke("report_refresh", { ids });
}

/** Saves the rows `ids` (every row when empty) as CSV; resolves to the file name or null. */
/** Reads every row's per-user MFA state (one read per user); resolves to all rows (ReportRowInfo[]). */
export function reportMfaState() {
  return invoke("report_mfa_state");
}

export function reportExport(ids) {
  return invoke("report_export", { ids });
}

/** Listens to a Tauri event; resolves to the function that stops listening. */
function listen(event, handler) {
  const on = window.__TAURI__?.event?.listen;
  if (!on) return Promise.resolve(() => {});
  return on(event, (e) => handler(e.payload));
}

/** { defaultRegion, regionFromTenant, columns: [{ id, header, describe }] }. */
export function importSettings() {
  return invoke("import_settings");
}

/** The native open dialog; resolves to { name } or null when cancelled. */
export function importPickFile() {
  return invoke("import_pick_file");
}

/**
 * Previews the chosen file with { defaultRegion, blankRemoves }: `onRows(RowInfo[])` gets rows in
 * file order as they are planned; resolves to { previewId, file, counts }. Rejects with
 * { kind: "invalidCsv", line, message } when the file cannot be read.
 */
export function importPreview(options, onRows) {
  return invoke("import_preview", { options, onRows: channel(onRows) });
}

/** Groups whose name contains `text` (or whose id is `text`): [{ id, name }]. */
export function importFindGroups(text) {
  return invoke("import_find_groups", { text });
}

/**
 * A directory preview with DirectoryOptions ({ scope, onlyMissing, office, email, defaultRegion,
 * updateExisting, countryRegions }): rows stream to `onRows(RowInfo[])`; resolves to
 * DirectoryDone ({ previewId, name, scopeLabel, users, rows, counts, countriesToMap, retirement }).
 * Apply, runs, resume, undo and export are the file import's.
 */
export function importDirectoryPreview(options, onRows) {
  return invoke("import_directory_preview", { options, onRows: channel(onRows) });
}

/** Remembers which column `header` means (`column` null: ignore it again). */
export function importMapHeader(header, column) {
  return invoke("import_map_header", { header, column });
}

/** Applies the ticked `lines` of preview `previewId`; `onEvent({ result, progress })` per row. */
export function importApply(previewId, lines, onEvent) {
  return invoke("import_apply", { previewId, lines, onEvent: channel(onEvent) });
}

/** "pause" | "resume" | "cancel" the run under way. */
export function importControl(action) {
  return invoke("import_control", { action });
}

/** The runs list: { runs: RunInfoRow[] (newest first), unreadable: { run, reason }[] }. */
export function importRuns() {
  return invoke("import_runs");
}

export function importResumeRun(run, onEvent) {
  return invoke("import_resume_run", { run, onEvent: channel(onEvent) });
}

/** What undoing `run` would write now (UndoPreviewInfo); nothing is written. */
export function importUndoPreview(run) {
  return invoke("import_undo_preview", { run });
}

export function importUndoRun(run, onEvent) {
  return invoke("import_undo_run", { run, onEvent: channel(onEvent) });
}

/** Saves the last run's results (save dialog); resolves to the file name or null. */
export function importExportResults() {
  return invoke("import_export_results");
}

/** Saves the CSV template (save dialog); resolves to the file name or null. */
export function importSaveTemplate() {
  return invoke("import_save_template");
}

/** `handler({ name, others })` when files are dropped on the window: Rust keeps the first one's
 * path; `others` counts the rest, which are not read. */
export function onImportFileDropped(handler) {
  return listen("import-file-dropped", handler);
}

/** `handler(true)` while a file is dragged over the window, `handler(false)` when it leaves. */
export function onFileDrag(handler) {
  return Promise.all([
    listen("tauri://drag-enter", () => handler(true)),
    listen("tauri://drag-leave", () => handler(false)),
    listen("tauri://drag-drop", () => handler(false)),
  ]);
}
