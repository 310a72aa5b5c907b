// Entry point: finds the page's elements, mounts the screens and asks Rust where start-up got
// to (signed in silently, or which screen to offer). Every failure goes to the #error region.

import { mountAccount } from "./account.js";
import * as api from "./api.js";
import { mountCampaign } from "./campaign/index.js";
import { h } from "./dom.js";
import { errorRegion } from "./errors.js";
import { mountImport } from "./import/index.js";
import { mountReport } from "./report/index.js";
import { createRouter } from "./router.js";
import { mountAudit } from "./user/audit.js";
import { mountUserPanel } from "./user/panel.js";
import { mountSetup } from "./setup.js";
import { mountSignIn } from "./signin.js";
import { initials, mountUsers } from "./users.js";

const $ = (id) => document.getElementById(id);
const errors = errorRegion($("error"));

/** Puts `text` on the clipboard; resolves to false when the webview refused. */
async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = h(document, "textarea", { value: text });
    document.body.append(area);
    area.select();
    const done = document.execCommand("copy");
    area.remove();
    return done;
  }
}

const screens = {};
const router = createRouter({
  api,
  errors,
  views: {
    starting: $("starting"),
    signin: $("view-signin"),
    setup: $("view-setup"),
    users: $("view-users"),
    import: $("view-import"),
    report: $("view-report"),
    campaign: $("view-campaign"),
    developer: $("developer-banner"),
  },
  screens,
});

screens.account = mountAccount({
  elements: {
    tenant: $("tenant"),
    badge: $("sandbox-badge"),
    chip: $("account"),
    chipInitials: $("account-initials"),
    chipName: $("account-name"),
    chipRole: $("account-role"),
    panel: $("account-panel"),
    panelInitials: $("panel-initials"),
    panelName: $("panel-name"),
    panelUpn: $("panel-upn"),
    panelTenant: $("panel-tenant"),
    panelRoles: $("panel-roles"),
    panelAllows: $("panel-allows"),
    signOut: $("sign-out"),
  },
  onSignOut: () => router.signOut(),
});

screens.signin = mountSignIn({
  api,
  errors,
  copy,
  initials,
  onSignedIn: (info) => router.signedIn(info),
  onSetup: () => router.openSetup(),
  elements: {
    remembered: $("remembered"),
    rememberedInitials: $("remembered-initials"),
    rememberedName: $("remembered-name"),
    rememberedUpn: $("remembered-upn"),
    browser: $("signin-browser"),
    device: $("signin-device"),
    waiting: $("signin-waiting"),
    waitingText: $("signin-waiting-text"),
    cancel: $("signin-cancel"),
    devicePanel: $("device"),
    deviceUri: $("device-uri"),
    deviceCode: $("device-code"),
    deviceCopy: $("device-copy"),
    deviceCopied: $("device-copied"),
    deviceExpiry: $("device-expiry"),
    client: $("signin-client"),
    tenant: $("signin-tenant"),
    change: $("signin-change"),
    sandbox: $("signin-sandbox"),
  },
});

screens.setup = mountSetup({
  api,
  errors,
  copy,
  onSaved: (status) => router.route(status),
  onBack: () => router.refresh(),
  onSandbox: () => router.trySandbox(),
  elements: {
    form: $("setup-form"),
    client: $("setup-client"),
    tenant: $("setup-tenant"),
    clientError: $("setup-client-error"),
    tenantError: $("setup-tenant-error"),
    consent: $("consent"),
    consentLink: $("consent-link"),
    consentOpen: $("consent-open"),
    consentCopy: $("consent-copy"),
    consentCopied: $("consent-copied"),
    back: $("setup-back"),
    sandbox: $("setup-sandbox"),
    deviceCode: $("setup-device-code"),
  },
});

const userPanel = mountUserPanel({ api, errors: router.guard(errors), root: $("user-root"), copy });
const audit = mountAudit({ api, errors: router.guard(errors), root: $("user-root"), button: $("audit-open") });

const users = mountUsers({
  api,
  errors: router.guard(errors),
  onOpen: (user) => {
    audit.close();
    userPanel.open(user.id);
  },
  elements: {
    input: $("search"),
    tbody: $("user-rows"),
    count: $("user-count"),
    empty: $("empty"),
    loading: $("loading"),
    wrap: $("table-wrap"),
  },
});

screens.users = {
  search(query) {
    $("search").focus();
    return users.search(query);
  },
};

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") screens.account.setOpen(false);
  if (event.key === "Escape" && !document.querySelector(".user-modal-host:not([hidden])")) {
    userPanel.close();
    audit.close();
  }
});
document.addEventListener("click", (event) => {
  if (!event.target.closest?.("#account-panel, #account")) screens.account.setOpen(false);
});

// Users | Import | Report in the header, shown once signed in.
const nav = $("app-nav");
screens.nav = {
  current(name) {
    nav.hidden = !["users", "import", "report", "campaign"].includes(name);
    for (const item of nav.querySelectorAll("[data-view]")) {
      item.setAttribute("aria-current", item.dataset.view === name ? "page" : "false");
    }
  },
};
nav.addEventListener("click", (event) => {
  const item = event.target.closest("[data-view]");
  if (item) router.open(item.dataset.view);
});

screens.import = mountImport({
  api,
  errors: router.guard(errors),
  root: $("view-import"),
  banner: $("import-banner"),
  overlayHost: document.body,
  onShow: () => router.open("import"),
});
let session = null;
screens.campaign = mountCampaign({
  api,
  errors: router.guard(errors),
  root: $("view-campaign"),
  sandbox: () => Boolean(session?.sandbox),
});
const showAccount = screens.account.show;
screens.account.show = (info) => {
  session = info;
  showAccount(info);
};
screens.report = mountReport({
  api,
  errors: router.guard(errors),
  root: $("view-report"),
  onCampaign: (origin) => router.startCampaign(origin),
  onOpenUser: (id, options) => {
    audit.close();
    userPanel.open(id, options);
  },
});

api.onImportFileDropped(({ name, others }) => screens.import.fileDropped(name, others));
api.onFileDrag((over) => screens.import.dragHover(over));

router.refresh();
