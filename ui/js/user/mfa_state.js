// The user panel's per-user MFA section: the legacy state (disabled / enabled / enforced), the
// tenant's security defaults and Conditional Access with Rust's advice on whether per-user MFA
// fits, and a picker whose choices follow Rust's verdicts (never "enforced" before the user has
// registered). Read on its own after the overview, so a role that may not read it loses only
// this section. No business rules here.

import { h, pill } from "../dom.js";
import { section } from "./widgets.js";

const PILL = { disabled: "neutral", enabled: "info", enforced: "ok" };

function registeredWords(v) {
  if (v === true) return "has an MFA method registered";
  if (v === false) return "has no MFA method registered";
  return "registration not readable with your roles";
}

function render(ctx, box, info) {
  const { doc, api } = ctx;
  const select = h(doc, "select", { className: "text-input", testid: "mfa-select", "aria-label": "Per-user MFA state" },
    h(doc, "option", { value: "", text: "Choose a state…" }),
    info.choices.map((c) =>
      h(doc, "option", {
        value: c.state,
        text: c.allowed ? c.state : `${c.state} — not available`,
        disabled: !c.allowed || c.state === info.state,
        title: c.reason ?? "",
      })));
  const save = h(doc, "button", { type: "button", className: "button small", text: "Set", testid: "mfa-save", disabled: true });
  select.addEventListener("change", () => {
    const chosen = info.choices.find((c) => c.state === select.value);
    save.disabled = !chosen?.allowed;
  });
  save.addEventListener("click", () =>
    ctx.run(async () => {
      const c = await api.setUserMfaState(ctx.userId, select.value);
      const asked = c.consentAsked ? ["Prestage asked for the Policy.ReadWrite.AuthenticationMethod permission for this."] : [];
      return { written: [{ what: "per-user MFA", before: c.before, after: c.after }], kept: [], warnings: [...c.warnings, ...asked], failed: null };
    }));
  const unavailable = info.choices.filter((c) => !c.allowed && c.reason && !info.cannotChange);
  const sd = info.securityDefaults === true ? "on" : info.securityDefaults === false ? "off" : "not readable";
  const ca = info.mfaPolicies == null ? "not readable" : info.mfaPolicies.length ? `requires MFA (${info.mfaPolicies.join(", ")})` : "no policy requires MFA";
  box.replaceChildren(
    h(doc, "p", { testid: "mfa-current" },
      pill(doc, info.state, PILL[info.state] ?? "neutral", "mfa-state"),
      ` ${registeredWords(info.registered)}`),
    h(doc, "p", { className: "muted", testid: "mfa-tenant", text: `Security defaults: ${sd} · Conditional Access: ${ca}` }),
    h(doc, "p", { className: info.fit === "wrongTool" ? "user-refusal" : "user-note", testid: "mfa-advice", text: info.advice }),
    info.cannotChange
      ? h(doc, "p", { className: "user-reason", testid: "mfa-reason", text: info.cannotChange })
      : h(doc, "div", { className: "phone-form" }, select, save),
    unavailable.length
      ? h(doc, "ul", { className: "user-notes", testid: "mfa-unavailable" }, unavailable.map((c) => h(doc, "li", { text: `${c.state}: ${c.reason}` })))
      : null);
}

export function mfaStateSection(ctx) {
  const { doc, api, errors } = ctx;
  const box = h(doc, "div", { testid: "mfa-body" }, h(doc, "p", { className: "muted", text: "Reading…" }));
  const userId = ctx.userId;
  api.userMfaState(userId).then(
    (info) => {
      if (ctx.userId === userId) render(ctx, box, info);
    },
    (error) => {
      if (ctx.userId !== userId) return;
      if (error?.kind === "refused") {
        box.replaceChildren(h(doc, "p", { className: "muted", testid: "mfa-reason", text: error.message }));
      } else {
        box.replaceChildren(h(doc, "p", { className: "muted", text: "Could not read per-user MFA." }));
        errors.show(error, "user-mfa");
      }
    });
  return section(doc, "Per-user MFA (legacy)", "user-mfa", box);
}
