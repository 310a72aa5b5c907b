// Unit tests for the user panel (ui/js/user/*) and the user list's keyboard, against a fake api
// and the fake DOM. Run: node --test tests/ui/

import assert from "node:assert/strict";
import { test } from "node:test";

import { errorRegion } from "../../ui/js/errors.js";
import { mountAudit } from "../../ui/js/user/audit.js";
import { mountUserPanel } from "../../ui/js/user/panel.js";
import { mountUsers } from "../../ui/js/users.js";
import { fakeDocument, fakeTimers } from "./fake-dom.mjs";

const yes = { allowed: true, reason: null, warnings: [] };
const no = (reason) => ({ allowed: false, reason, warnings: [] });

function detail(overrides = {}) {
  return {
    id: "u-1",
    displayName: "Adele Vance",
    userPrincipalName: "adele@contoso.example",
    mail: null,
    accountEnabled: true,
    guest: false,
    synced: false,
    roles: [],
    methods: [
      { kind: "password", label: "Password", id: "p", detail: "", created: null, removable: false },
      { kind: "microsoftAuthenticator", label: "Microsoft Authenticator", id: "a-1", detail: "iPhone 13", created: "2024-08-06T10:00:00Z", removable: true },
    ],
    phones: [{ phoneType: "mobile", number: "+1 2065550100", smsSignInState: "notEnabled", smsSignInText: "SMS sign-in is allowed but not turned on for this number.", notUsable: null }],
    email: null,
    defaultMethod: null,
    defaultMethodLabel: null,
    defaultMethodNote: null,
    registration: { available: false, reason: "Not available to your role.", mfaRegistered: null, mfaCapable: null, ssprRegistered: null, methodsRegistered: [] },
    profileMobile: null,
    profileBusiness: [],
    profileMobileAsAuth: null,
    actions: {
      write: yes,
      phones: [
        { phoneType: "mobile", set: yes, remove: no("The mobile cannot be removed while an alternate mobile exists.") },
        { phoneType: "alternateMobile", set: yes, remove: no("There is no such phone to remove.") },
        { phoneType: "office", set: yes, remove: no("There is no such phone to remove.") },
      ],
      setEmail: yes,
      removeEmail: no("There is no email method to remove."),
      enableSmsSignIn: yes,
      disableSmsSignIn: no("SMS sign-in is not on."),
      defaultMethods: [
        { method: "push", label: "Microsoft Authenticator notification", verdict: yes },
        { method: "voiceOffice", label: "Call the office phone", verdict: no("The default method 'voiceOffice' needs the office phone this user lacks.") },
      ],
      issueTap: yes,
      removeMethods: yes,
      reregister: yes,
    },
    hints: [],
    maskedNumbers: false,
    defaultRegion: "US",
    tapPolicy: { defaultLifetimeMinutes: 60, minimumLifetimeMinutes: 60, maximumLifetimeMinutes: 480, oneTimeOnly: false },
    reregisterSteps: ["remove mobile", "remove Microsoft Authenticator"],
    reregisterKept: [],
    ...overrides,
  };
}

function mfa(overrides = {}) {
  return {
    state: "disabled",
    registered: false,
    securityDefaults: false,
    mfaPolicies: [],
    fit: "fits",
    advice: "Neither security defaults nor a Conditional Access MFA policy is on.",
    cannotChange: null,
    choices: [
      { state: "disabled", allowed: true, reason: null },
      { state: "enabled", allowed: true, reason: null },
      { state: "enforced", allowed: false, reason: "adele@contoso.example has no MFA method registered yet." },
    ],
    ...overrides,
  };
}

/** An api whose calls are recorded; each answer comes from `answers[name]` (a value or a function). */
function fakeApi(answers) {
  const calls = [];
  const api = {};
  for (const name of ["userOverview", "checkPhone", "applyUserEdit", "issueTap", "removeUserMethod", "requireReregistration", "auditEntries", "exportAudit", "whyAsked", "userMfaState", "setUserMfaState"]) {
    api[name] = (...args) => {
      calls.push({ name, args });
      const a = answers[name];
      return Promise.resolve(typeof a === "function" ? a(...args) : a);
    };
  }
  return { api, calls };
}

function setup(answers) {
  const doc = fakeDocument();
  const root = doc.createElement("div");
  const errorElement = doc.createElement("div");
  const timers = fakeTimers();
  const { api, calls } = fakeApi({ userOverview: detail(), userMfaState: mfa(), ...answers });
  const panel = mountUserPanel({ api, errors: errorRegion(errorElement), root, copy: async () => true, timers });
  const find = (id) => root.findAll((n) => n.dataset.testid === id);
  const one = (id) => {
    const [e] = find(id);
    assert.ok(e, `no element ${id}`);
    return e;
  };
  return { root, panel, calls, timers, find, one, errorElement };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

test("the overview renders with every control following its verdict", async () => {
  const { panel, one, find } = setup();
  await panel.open("u-1");
  assert.equal(one("user-name").textContent, "Adele Vance");
  assert.equal(find("method-row").length, 2);
  assert.equal(one("method-remove").disabled, false);
  assert.equal(one("phone-number-mobile").textContent, "+1 2065550100");
  assert.equal(one("phone-remove-mobile").disabled, true);
  assert.match(one("phone-remove-reason-mobile").textContent, /while an alternate mobile exists/);
  assert.equal(one("sms-toggle").textContent, "Turn on SMS sign-in");
  assert.equal(one("sms-toggle").disabled, false);
  assert.equal(find("user-write-refusal").length, 0);
  assert.equal(one("registration").textContent, "Not available to your role.");
  assert.ok(!one("user-panel").textContent.includes("null"));
});

test("a refused target disables every write with the reason", async () => {
  const refusal = no("You are Authentication Administrator; this user is a Global Administrator.");
  const d = detail();
  const blocked = { ...d.actions, write: refusal, issueTap: refusal, removeMethods: refusal, reregister: refusal, setEmail: refusal, enableSmsSignIn: refusal,
    phones: d.actions.phones.map((p) => ({ ...p, set: refusal, remove: refusal })) };
  const { panel, one } = setup({ userOverview: detail({ actions: blocked }) });
  await panel.open("u-1");
  assert.match(one("user-write-refusal").textContent, /Global Administrator/);
  for (const id of ["phone-input-mobile", "phone-remove-mobile", "email-input", "sms-toggle", "tap-open", "method-remove", "default-save"]) {
    assert.equal(one(id).disabled, true, id);
  }
  assert.match(one("phone-set-reason-mobile").textContent, /Global Administrator/);
});

test("a phone is checked live and Save sends what was shown", async () => {
  let answer = 0;
  const checks = [
    { number: "+1 20", kind: null, region: null, repairs: [], warnings: [], problem: "'20' is not a phone number" },
    { number: "+1 2065550111", kind: "fixedLineOrMobile", region: "US", repairs: [], warnings: ["A warning."], problem: null },
  ];
  const { panel, one, calls, timers } = setup({
    checkPhone: () => checks[answer++],
    applyUserEdit: { written: [{ what: "change mobile", before: "+1 2065550100", after: "+1 2065550111", requestId: "r", note: null }], warnings: [], kept: [], failed: null },
  });
  await panel.open("u-1");
  const input = one("phone-input-mobile");
  input.value = "20";
  input.dispatch("input");
  timers.advance(120);
  await settle();
  assert.match(one("phone-preview-mobile").textContent, /not a phone number/);
  assert.equal(one("phone-save-mobile").disabled, true);
  input.value = "(206) 555-0111";
  input.dispatch("input");
  timers.advance(120);
  await settle();
  assert.equal(one("phone-preview-mobile").textContent, "Will send +1 2065550111");
  assert.match(one("phone-notes-mobile").textContent, /A warning/);
  assert.equal(one("phone-save-mobile").disabled, false);
  const check = calls.filter((c) => c.name === "checkPhone").at(-1);
  assert.deepEqual(check.args, ["(206) 555-0111", "US", "mobile"]);

  one("phone-save-mobile").dispatch("click");
  await settle();
  await settle();
  const edit = calls.find((c) => c.name === "applyUserEdit");
  assert.deepEqual(edit.args, ["u-1", { action: "setPhone", phoneType: "mobile", input: "(206) 555-0111" }, "US"]);
  assert.match(one("user-status").textContent, /change mobile: \+1 2065550100 → \+1 2065550111/);
  assert.equal(calls.filter((c) => c.name === "userOverview").length, 2, "the overview is read again");
});

test("a failed write lands in the error region", async () => {
  const { panel, one, errorElement } = setup({
    applyUserEdit: () => Promise.reject({ kind: "graph", status: 400, code: "badRequest", message: "No.", requestId: "r-9" }),
  });
  await panel.open("u-1");
  one("sms-toggle").dispatch("click");
  await settle();
  await settle();
  assert.equal(errorElement.hidden, false);
  assert.match(errorElement.textContent, /No\. \(Graph 400 badRequest, request-id r-9\)/);
});

test("the TAP dialog shows the pass once and drops it on close", async () => {
  const { panel, one, root, calls } = setup({
    issueTap: { pass: "Secr3t!x", userPrincipalName: "adele@contoso.example", start: "2026-11-22T08:00:00Z", lifetimeMinutes: 120, oneTime: true },
  });
  await panel.open("u-1");
  one("tap-open").dispatch("click");
  assert.match(one("tap-policy").textContent, /60 to 480 minutes/);
  one("tap-lifetime").value = "120";
  one("tap-issue").dispatch("click");
  await settle();
  assert.deepEqual(calls.find((c) => c.name === "issueTap").args, ["u-1", { lifetimeMinutes: 120, oneTime: true, start: null }]);
  assert.equal(one("tap-pass").textContent, "Secr3t!x");
  one("tap-close").dispatch("click");
  await settle();
  assert.ok(!root.textContent.includes("Secr3t!x"));
});

test("removing an Authenticator asks first", async () => {
  const { panel, one, calls } = setup({ removeUserMethod: { written: [], warnings: [], kept: [], failed: null } });
  await panel.open("u-1");
  one("method-remove").dispatch("click");
  await settle();
  one("confirm-cancel").dispatch("click");
  await settle();
  assert.equal(calls.filter((c) => c.name === "removeUserMethod").length, 0);
  one("method-remove").dispatch("click");
  await settle();
  one("confirm-ok").dispatch("click");
  await settle();
  assert.deepEqual(calls.find((c) => c.name === "removeUserMethod").args, ["u-1", "microsoftAuthenticator", "a-1"]);
});

test("arrow keys choose a row and Enter opens it", async () => {
  const doc = fakeDocument();
  const el = (tag) => doc.createElement(tag);
  const elements = { input: el("input"), tbody: el("tbody"), count: el("span"), empty: el("p"), loading: el("p"), wrap: el("div") };
  const opened = [];
  const rows = [
    { id: "1", displayName: "Adele Vance", userPrincipalName: "adele@x", source: "cloud", accountEnabled: true, userType: "member" },
    { id: "2", displayName: "Alex Wilber", userPrincipalName: "alex@x", source: "cloud", accountEnabled: true, userType: "member" },
  ];
  const api = { listUsers: async () => rows };
  const users = mountUsers({ api, elements, errors: errorRegion(el("div")), timers: fakeTimers(), onOpen: (u) => opened.push(u.id) });
  await users.search("a");
  const key = (k) => elements.input.dispatch("keydown", { key: k });
  key("ArrowDown");
  key("ArrowDown");
  key("ArrowUp");
  key("ArrowDown");
  const tr = elements.tbody.children;
  assert.equal(tr[1].getAttribute("aria-selected"), "true");
  assert.equal(tr[0].getAttribute("aria-selected"), "false");
  key("Enter");
  assert.deepEqual(opened, ["2"]);
});

test("the audit view lists entries and says where the CSV went", async () => {
  const doc = fakeDocument();
  const root = doc.createElement("div");
  const button = doc.createElement("button");
  const entry = { time: "2026-11-22T01:00:59+00:00", admin: "priya@x", user: "adele@x", method: "mobile", action: "add", before: null, after: "+1 XXXXXXXX00", ok: true, error: null, requestId: "r-1" };
  const { api } = fakeApi({ auditEntries: [entry], exportAudit: "prestage-audit-20261203-101500.csv" });
  mountAudit({ api, errors: errorRegion(doc.createElement("div")), root, button });
  button.dispatch("click");
  await settle();
  const find = (id) => root.findAll((n) => n.dataset.testid === id);
  assert.equal(find("audit-row").length, 1);
  assert.match(find("audit-row")[0].textContent, /add mobile— → \+1 XXXXXXXX00ok/);
  find("audit-export")[0].dispatch("click");
  await settle();
  assert.equal(find("audit-exported")[0].textContent, "Saved prestage-audit-20261203-101500.csv");
});

test("per-user MFA: choices follow Rust's verdicts and a set is reported", async () => {
  const { panel, one, calls } = setup({
    setUserMfaState: { before: "disabled", after: "enabled", requestId: "r", consentAsked: true, warnings: [] },
  });
  await panel.open("u-1");
  await settle();
  assert.equal(one("mfa-state").textContent, "disabled");
  assert.match(one("mfa-current").textContent, /no MFA method registered/);
  assert.match(one("mfa-unavailable").textContent, /enforced: .*no MFA method registered yet/);
  const select = one("mfa-select");
  const enforced = select.children.find((o) => o.value === "enforced");
  assert.equal(enforced.disabled, true);
  assert.equal(one("mfa-save").disabled, true);
  select.value = "enabled";
  select.dispatch("change");
  assert.equal(one("mfa-save").disabled, false);
  one("mfa-save").dispatch("click");
  await settle();
  await settle();
  assert.deepEqual(calls.find((c) => c.name === "setUserMfaState").args, ["u-1", "enabled"]);
  assert.match(one("user-status").textContent, /per-user MFA: disabled → enabled/);
  assert.match(one("user-status").textContent, /Policy\.ReadWrite\.AuthenticationMethod/);
});

test("per-user MFA: a role that may not read it loses only that section", async () => {
  const { panel, one, errorElement } = setup({
    userMfaState: () => Promise.reject({ kind: "refused", message: "Your roles (Privileged Authentication Administrator) cannot read per-user MFA state." }),
  });
  await panel.open("u-1");
  await settle();
  assert.match(one("mfa-reason").textContent, /cannot read per-user MFA state/);
  assert.equal(one("user-name").textContent, "Adele Vance");
  assert.ok(!errorElement.textContent?.includes("per-user"));
});

test("per-user MFA: the wrong tool is said plainly", async () => {
  const { panel, one } = setup({
    userMfaState: mfa({ fit: "wrongTool", mfaPolicies: ["Require MFA"], advice: "Conditional Access already requires MFA (\"Require MFA\"). Microsoft: don't enable or enforce per-user MFA if you use Conditional Access." }),
  });
  await panel.open("u-1");
  await settle();
  assert.match(one("mfa-advice").textContent, /don't enable or enforce per-user MFA/);
  assert.equal(one("mfa-advice").className, "user-refusal");
  assert.match(one("mfa-tenant").textContent, /requires MFA \(Require MFA\)/);
});

const DIAGNOSIS = {
  userId: "u-1",
  userPrincipalName: "adele@contoso.example",
  displayName: "Adele Vance",
  asked: true,
  partial: true,
  summary: "Adele Vance is asked to register because of: Registration campaign (nudge).",
  registered: ["Mobile phone (mobile +1 2065550100)"],
  findings: [
    { topic: "registrationCampaign", title: "Registration campaign (nudge)", verdict: "asks", text: "The campaign asks for Microsoft Authenticator.", needs: null },
    { topic: "conditionalAccess", title: "Conditional Access", verdict: "cannotKnow", text: "Could not be read.", needs: "Global Reader, Security Reader" },
    { topic: "securityDefaults", title: "Security defaults", verdict: "doesNotAsk", text: "Security defaults are off.", needs: null },
  ],
};

test("why asked: opened from a report row it reads the diagnosis; the button asks again", async () => {
  const { panel, one, find, calls } = setup({ whyAsked: DIAGNOSIS });
  await panel.open("u-1", { why: true });
  assert.equal(one("why-summary").textContent, DIAGNOSIS.summary);
  assert.equal(one("why-result").getAttribute("data-asked"), "true");
  const items = find("why-finding");
  assert.deepEqual(items.map((i) => i.getAttribute("data-verdict")), ["asks", "cannotKnow", "doesNotAsk"]);
  assert.equal(one("why-needs").textContent, "Would tell: Global Reader, Security Reader");
  assert.equal(one("why-asked-button").textContent, "Ask again");
  one("why-asked-button").dispatch("click");
  await settle();
  assert.equal(calls.filter((c) => c.name === "whyAsked").length, 2);
  // Another user starts without a diagnosis.
  await panel.open("u-2");
  assert.equal(find("why-result").length, 0);
  assert.equal(one("why-asked-button").textContent, "Why asked to register?");
});

test("why asked: a failed read lands in the error region", async () => {
  const { panel, one, errorElement } = setup({ whyAsked: () => Promise.reject({ kind: "internal", message: "boom" }) });
  await panel.open("u-1");
  one("why-asked-button").dispatch("click");
  await settle();
  await settle();
  assert.match(errorElement.textContent, /boom/);
});
