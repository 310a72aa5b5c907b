// Unit tests for the sign-in screens (ui/js/{signin,setup,account,router}.js) against a fake api
// and a fake DOM. Run: node --test tests/ui/

import assert from "node:assert/strict";
import { test } from "node:test";

import { mountAccount } from "../../ui/js/account.js";
import { describeError, errorRegion } from "../../ui/js/errors.js";
import { createRouter } from "../../ui/js/router.js";
import { mountSetup } from "../../ui/js/setup.js";
import { mountSignIn } from "../../ui/js/signin.js";
import { initials } from "../../ui/js/users.js";
import { fakeDocument } from "./fake-dom.mjs";

const INFO = {
  tenantName: "Contoso",
  account: { displayName: "Alex Wong", userPrincipalName: "alex@contoso.example" },
  role: "Authentication Administrator",
  roles: ["Authentication Administrator"],
  powers: { changesAnyUser: false, changesNonAdmins: true, seesMaskedNumbers: true, canReadReports: false },
  allows: ["Sees other users' phone numbers masked.", "Cannot read the registration report."],
  sandbox: false,
};
const SETUP = { configured: true, clientId: "0b8a7d10-4c1e-4f7a-9c2d-5e6f70818293", tenant: "organizations" };
const SIGNED_OUT = { session: null, setup: SETUP, rememberedAccount: null, problem: null };

/** A promise the test settles by hand. */
function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

function elementsOf(doc, names) {
  return Object.fromEntries(names.map((n) => [n, doc.createElement(n === "form" ? "form" : "div")]));
}

function signInSetup(api) {
  const doc = fakeDocument();
  const e = elementsOf(doc, [
    "remembered", "rememberedInitials", "rememberedName", "rememberedUpn", "browser", "device",
    "waiting", "waitingText", "cancel", "devicePanel", "deviceUri", "deviceCode", "deviceCopy",
    "deviceCopied", "deviceExpiry", "client", "tenant", "change", "sandbox",
  ]);
  const errorElement = doc.createElement("div");
  errorElement.hidden = true;
  const signedIn = [];
  const copied = [];
  const screen = mountSignIn({
    api,
    errors: errorRegion(errorElement),
    elements: e,
    copy: async (text) => copied.push(text) > 0,
    initials,
    onSignedIn: (info) => signedIn.push(info),
    onSetup: () => signedIn.push("setup"),
  });
  return { e, errorElement, signedIn, copied, screen };
}

test("browser sign-in waits with Cancel, then hands over the session", async () => {
  const call = deferred();
  const { e, errorElement, signedIn, screen } = signInSetup({ signInBrowser: () => call.promise });
  screen.show({ ...SIGNED_OUT, rememberedAccount: { displayName: "Alex Wong", userPrincipalName: "alex@contoso.example", tenantName: "Contoso" } });
  assert.equal(e.remembered.hidden, false);
  assert.equal(e.rememberedInitials.textContent, "AW");
  assert.equal(e.browser.textContent, "Sign in again with your browser");
  assert.equal(e.client.textContent, SETUP.clientId);

  e.browser.dispatch("click");
  assert.equal(e.waiting.hidden, false);
  assert.equal(e.cancel.hidden, false);
  assert.ok(e.browser.disabled && e.device.disabled && e.sandbox.disabled);
  call.resolve(INFO);
  await tick();
  assert.deepEqual(signedIn, [INFO]);
  assert.equal(e.waiting.hidden, true);
  assert.equal(e.browser.disabled, false);
  assert.equal(errorElement.hidden, true);
});

test("a cancelled sign-in is quiet; a refused one says what to do", async () => {
  const answers = [
    { kind: "signInCancelled" },
    { kind: "signInFailed", message: "Open the admin-consent link. (AADSTS65001)", aadsts: 65001 },
  ];
  let cancelled = 0;
  const api = {
    signInBrowser: () => Promise.reject(answers.shift()),
    cancelSignIn: async () => cancelled++,
  };
  const { e, errorElement, signedIn } = signInSetup(api);
  e.browser.dispatch("click");
  e.cancel.dispatch("click");
  await tick();
  assert.equal(cancelled, 1);
  assert.equal(errorElement.hidden, true);
  e.browser.dispatch("click");
  await tick();
  assert.equal(errorElement.hidden, false);
  assert.match(errorElement.textContent, /admin-consent link/);
  assert.deepEqual(signedIn, []);
});

test("device code: shows the code, copies it, and signs in when approved", async () => {
  const finish = deferred();
  const api = {
    signInDeviceStart: async () => ({
      userCode: "HJKL2345",
      verificationUri: "https://microsoft.com/devicelogin",
      message: "Enter HJKL2345",
      expiresInS: 900,
    }),
    signInDeviceFinish: () => finish.promise,
  };
  const { e, signedIn, copied, screen } = signInSetup(api);
  screen.show(SIGNED_OUT);
  assert.equal(e.device.hidden, true, "device codes are opt-in");
  screen.show({ ...SIGNED_OUT, setup: { ...SETUP, deviceCode: true } });
  assert.equal(e.device.hidden, false);
  e.device.dispatch("click");
  await tick();
  assert.equal(e.devicePanel.hidden, false);
  assert.equal(e.deviceCode.textContent, "HJKL2345");
  assert.equal(e.deviceUri.textContent, "https://microsoft.com/devicelogin");
  assert.equal(e.deviceExpiry.textContent, "The code works for 15 minutes.");
  assert.match(e.waitingText.textContent, /other device/);
  e.deviceCopy.dispatch("click");
  await tick();
  assert.deepEqual(copied, ["HJKL2345"]);
  assert.equal(e.deviceCopied.textContent, "Copied");
  finish.resolve(INFO);
  await tick();
  assert.deepEqual(signedIn, [INFO]);
  assert.equal(e.devicePanel.hidden, true);
});

function setupScreen(api) {
  const doc = fakeDocument();
  const e = elementsOf(doc, [
    "form", "client", "tenant", "clientError", "tenantError", "consent", "consentLink",
    "consentOpen", "consentCopy", "consentCopied", "back", "sandbox",
  ]);
  const errorElement = doc.createElement("div");
  errorElement.hidden = true;
  const saved = [];
  const screen = mountSetup({
    api,
    errors: errorRegion(errorElement),
    elements: e,
    copy: async () => true,
    onSaved: (status) => saved.push(status),
    onBack: () => saved.push("back"),
    onSandbox: () => saved.push("sandbox"),
  });
  return { e, errorElement, saved, screen };
}

test("setup: Rust's validation lands under the field; the consent link follows the fields", async () => {
  const api = {
    adminConsentLink: async (clientId, tenant) => {
      if (clientId !== SETUP.clientId) throw { kind: "invalidSetup", field: "clientId", message: "A GUID." };
      return `https://login.example/${tenant}/v2.0/adminconsent?client_id=${clientId}`;
    },
    saveSetup: async (clientId, tenant) => {
      if (clientId !== SETUP.clientId) throw { kind: "invalidSetup", field: "clientId", message: "Must be a GUID." };
      return { ...SIGNED_OUT, setup: { ...SETUP, tenant } };
    },
  };
  const { e, errorElement, saved, screen } = setupScreen(api);
  await screen.show({ ...SIGNED_OUT, setup: { configured: false, clientId: null, tenant: "organizations" } });
  assert.equal(e.client.value, "");
  assert.equal(e.back.hidden, true);
  assert.equal(e.consent.hidden, true);

  e.client.value = "my app";
  e.form.dispatch("submit");
  await tick();
  assert.equal(e.clientError.hidden, false);
  assert.equal(e.clientError.textContent, "Must be a GUID.");
  assert.equal(e.client.getAttribute("aria-invalid"), "true");
  assert.equal(errorElement.hidden, true, "field errors stay at the field");
  assert.deepEqual(saved, []);

  e.client.value = ` ${SETUP.clientId} `;
  e.tenant.value = "contoso.onmicrosoft.com";
  e.client.dispatch("input");
  await tick();
  assert.equal(e.consent.hidden, false);
  assert.match(e.consentLink.textContent, /contoso\.onmicrosoft\.com\/v2\.0\/adminconsent/);
  e.form.dispatch("submit");
  await tick();
  assert.equal(e.clientError.hidden, true);
  assert.equal(saved[0].setup.tenant, "contoso.onmicrosoft.com");
  e.sandbox.dispatch("click");
  assert.equal(saved[1], "sandbox");
});

test("account chip and panel show roles and what they allow; sign-out is one click", () => {
  const doc = fakeDocument();
  const e = elementsOf(doc, [
    "tenant", "badge", "chip", "chipInitials", "chipName", "chipRole", "panel", "panelInitials",
    "panelName", "panelUpn", "panelTenant", "panelRoles", "panelAllows", "signOut",
  ]);
  e.panel.hidden = true;
  let signedOut = 0;
  const account = mountAccount({ elements: e, onSignOut: () => signedOut++ });
  account.show(INFO);
  assert.equal(e.chip.hidden, false);
  assert.equal(e.chipName.textContent, "Alex Wong");
  assert.equal(e.chipRole.textContent, "Authentication Administrator");
  assert.equal(e.badge.hidden, true);
  assert.match(e.chip.title, /alex@contoso\.example/);
  e.chip.dispatch("click");
  assert.equal(e.panel.hidden, false);
  assert.equal(e.chip.getAttribute("aria-expanded"), "true");
  assert.equal(e.panelRoles.children.length, 1);
  assert.equal(e.panelAllows.children[1].textContent, "Cannot read the registration report.");
  e.signOut.dispatch("click");
  assert.equal(signedOut, 1);
  assert.equal(e.panel.hidden, true);
  account.clear();
  assert.equal(e.chip.hidden, true);
});

test("router: session → users, no registration → setup, else sign-in; mid-run notSignedIn → sign-in", async () => {
  const doc = fakeDocument();
  const views = elementsOf(doc, ["starting", "signin", "setup", "users"]);
  const errorElement = doc.createElement("div");
  errorElement.hidden = true;
  const errors = errorRegion(errorElement);
  const seen = [];
  const screen = (name) => ({ show: (x) => seen.push([name, x]), clear: () => seen.push([name, "clear"]) });
  const screens = {
    account: screen("account"),
    signin: screen("signin"),
    setup: screen("setup"),
    users: { search: (q) => seen.push(["users", q]) },
  };
  let status = { ...SIGNED_OUT, problem: { kind: "signInFailed", message: "Your session has expired; sign in again." } };
  const router = createRouter({ api: { appStatus: async () => status }, errors, views, screens });
  await router.refresh();
  assert.equal(views.signin.hidden, false);
  assert.equal(views.users.hidden, true);
  assert.equal(views.starting.hidden, true);
  assert.match(errorElement.textContent, /session has expired/);

  router.route({ ...SIGNED_OUT, setup: { configured: false, clientId: null, tenant: "organizations" } });
  assert.equal(views.setup.hidden, false);
  assert.equal(errorElement.hidden, true);

  router.route({ ...SIGNED_OUT, session: INFO });
  assert.equal(views.users.hidden, false);
  assert.deepEqual(seen.at(-2), ["account", INFO]);
  assert.deepEqual(seen.at(-1), ["users", ""]);
  assert.equal(errorElement.hidden, true);

  // The keychain refused the token: signed in all the same, and told the next start asks again.
  const unkept = { ...INFO, keychainWarning: "Signed in for this session only: the keychain is locked." };
  router.signedIn(unkept);
  assert.equal(views.users.hidden, false);
  assert.match(errorElement.textContent, /for this session only/);
  router.signedIn(INFO);
  assert.equal(errorElement.hidden, true);

  status = SIGNED_OUT;
  const guarded = router.guard(errors);
  guarded.show({ kind: "notSignedIn" }, "users");
  await tick();
  assert.equal(views.signin.hidden, false);
  guarded.show({ kind: "graph", status: 500, code: "x", message: "Boom." }, "users");
  assert.match(errorElement.textContent, /Boom/);
});

test("new error kinds read as sentences", () => {
  assert.equal(describeError({ kind: "signInCancelled" }), "The sign-in was cancelled.");
  assert.equal(describeError({ kind: "keychain", message: "Unlock it." }), "Unlock it.");
  assert.equal(describeError({ kind: "invalidSetup", field: "tenant", message: "A tenant." }), "A tenant.");
});
