// The user panel's other blocks: every method, email, SMS sign-in, default method, MFA
// registration and the onboarding actions (TAP, re-registration). Controls follow the verdicts
// Rust sent with the overview; clicking runs one command through ctx.run.

import { h } from "../dom.js";
import { actionButton, day, reason, section, warnings } from "./widgets.js";

export function methodsSection(ctx) {
  const { doc, detail, api } = ctx;
  const rows = detail.methods.map((m) => {
    const remove = m.removable
      ? actionButton(doc, "Remove", detail.actions.removeMethods, {
          testid: "method-remove",
          "data-kind": m.kind,
          onclick: async () => {
            const ok = await ctx.confirm({
              title: `Remove ${m.label}?`,
              body: `${detail.displayName} will no longer be able to use “${m.detail || m.label}” and must register it again to use it.`,
              ok: "Remove",
            });
            if (ok) ctx.run(() => api.removeUserMethod(ctx.userId, m.kind, m.id));
          },
        })
      : null;
    return h(doc, "tr", { testid: "method-row", "data-kind": m.kind },
      h(doc, "td", { text: m.label }),
      h(doc, "td", { className: "mono", text: m.detail }),
      h(doc, "td", { className: "muted", text: day(m.created) }),
      h(doc, "td", { className: "cell-action" }, remove));
  });
  const table = h(doc, "table", { className: "user-table" },
    h(doc, "thead", {}, h(doc, "tr", {}, ["Method", "Detail", "Created", ""].map((t) => h(doc, "th", { text: t })))),
    h(doc, "tbody", {}, rows));
  return section(doc, "Authentication methods", "user-methods", table);
}

export function emailSection(ctx) {
  const { doc, detail, api } = ctx;
  const a = detail.actions;
  const input = h(doc, "input", {
    className: "text-input",
    testid: "email-input",
    type: "email",
    placeholder: detail.email ? "New address" : "someone@example.org",
    "aria-label": "Email address for password reset",
    disabled: !a.setEmail.allowed,
  });
  const save = actionButton(doc, detail.email ? "Change" : "Add", a.setEmail, { testid: "email-save", disabled: true });
  input.addEventListener("input", () => {
    save.disabled = !a.setEmail.allowed || input.value.trim() === "";
  });
  save.addEventListener("click", () =>
    ctx.run(() => api.applyUserEdit(ctx.userId, { action: "setEmail", address: input.value.trim() })),
  );
  const remove = detail.email
    ? actionButton(doc, "Remove", a.removeEmail, {
        testid: "email-remove",
        onclick: () => ctx.run(() => api.applyUserEdit(ctx.userId, { action: "removeEmail" })),
      })
    : null;
  return section(doc, "Email (password reset only)", "user-email",
    h(doc, "p", { className: detail.email ? "mono" : "muted", testid: "email-current", text: detail.email ?? "Not set" }),
    h(doc, "div", { className: "phone-form" }, input, save, remove),
    reason(doc, a.setEmail, "email-reason"));
}

export function smsSection(ctx) {
  const { doc, detail, api } = ctx;
  const a = detail.actions;
  const on = a.disableSmsSignIn.allowed;
  const verdict = on ? a.disableSmsSignIn : a.enableSmsSignIn;
  const mobile = detail.phones.find((p) => p.phoneType === "mobile");
  const toggle = actionButton(doc, on ? "Turn off SMS sign-in" : "Turn on SMS sign-in", verdict, {
    testid: "sms-toggle",
    "aria-pressed": on ? "true" : "false",
    onclick: () => ctx.run(() => api.applyUserEdit(ctx.userId, { action: "smsSignIn", enabled: !on })),
  });
  return section(doc, "SMS sign-in", "user-sms",
    h(doc, "p", { testid: "sms-state", text: mobile?.smsSignInText ?? "No mobile number: SMS sign-in needs one." }),
    h(doc, "div", { className: "phone-form" }, toggle),
    on ? null : reason(doc, a.enableSmsSignIn, "sms-reason"),
    warnings(doc, verdict.allowed ? verdict.warnings : null));
}

export function defaultSection(ctx) {
  const { doc, detail, api } = ctx;
  const options = detail.actions.defaultMethods;
  const select = h(doc, "select", { className: "text-input", testid: "default-select", "aria-label": "Default method" },
    h(doc, "option", { value: "", text: "Choose a new default…" }),
    options.map((o) =>
      h(doc, "option", {
        value: o.method,
        text: o.verdict.allowed ? o.label : `${o.label} — not available`,
        disabled: !o.verdict.allowed,
        title: o.verdict.reason ?? "",
      })),
  );
  const save = actionButton(doc, "Set default", detail.actions.write, { testid: "default-save", disabled: true });
  const notes = h(doc, "ul", { className: "user-notes", testid: "default-warnings", hidden: true });
  select.addEventListener("change", () => {
    const chosen = options.find((o) => o.method === select.value);
    save.disabled = !chosen?.verdict.allowed;
    const list = chosen?.verdict.warnings ?? [];
    notes.replaceChildren(...list.map((w) => h(doc, "li", { text: w })));
    notes.hidden = list.length === 0;
  });
  save.addEventListener("click", () =>
    ctx.run(() => api.applyUserEdit(ctx.userId, { action: "defaultMethod", method: select.value })),
  );
  const unavailable = options.filter((o) => !o.verdict.allowed && o.verdict.reason && detail.actions.write.allowed);
  return section(doc, "Default sign-in method", "user-default",
    h(doc, "p", { testid: "default-current", text: detail.defaultMethodLabel ?? "None set" }),
    detail.defaultMethodNote ? h(doc, "p", { className: "user-note", testid: "default-note", text: detail.defaultMethodNote }) : null,
    h(doc, "div", { className: "phone-form" }, select, save),
    notes,
    reason(doc, detail.actions.write.allowed ? null : detail.actions.write, "default-reason"),
    unavailable.length
      ? h(doc, "details", { className: "why-not" },
          h(doc, "summary", { text: "Why some methods are not available" }),
          h(doc, "ul", { className: "user-notes" }, unavailable.map((o) => h(doc, "li", { text: `${o.label}: ${o.verdict.reason}` }))))
      : null);
}

export function registrationSection(ctx) {
  const { doc, detail } = ctx;
  const r = detail.registration;
  const yes = (v) => (v === true ? "yes" : v === false ? "no" : "unknown");
  const body = r.available
    ? h(doc, "p", { testid: "registration",
        text: `Registered for MFA: ${yes(r.mfaRegistered)} · MFA capable: ${yes(r.mfaCapable)} · SSPR registered: ${yes(r.ssprRegistered)}${r.methodsRegistered.length ? ` · ${r.methodsRegistered.join(", ")}` : ""}` })
    : h(doc, "p", { className: "muted", testid: "registration", text: r.reason });
  return section(doc, "MFA registration", "user-registration", body);
}

export function onboardingSection(ctx) {
  const { doc, detail } = ctx;
  const a = detail.actions;
  const tap = actionButton(doc, "Issue a Temporary Access Pass…", a.issueTap, { testid: "tap-open", onclick: () => ctx.openTap() });
  const rereg = actionButton(doc, "Require re-registration…", a.reregister, { testid: "rereg-open", onclick: () => ctx.openReregister() });
  return section(doc, "Onboarding and recovery", "user-onboarding",
    h(doc, "div", { className: "phone-form" }, tap, rereg),
    reason(doc, a.issueTap, "tap-reason"),
    a.issueTap.allowed ? reason(doc, a.reregister, "rereg-reason") : null);
}
