// The phone editors (mobile, alternate mobile, office): what the user has, a field normalized
// live by Rust (`check_phone`) showing exactly what will be sent, and Add/Change/Remove buttons
// enabled only by the pre-flight verdicts that came with the overview. No phone rules here.

import { h } from "../dom.js";
import { actionButton, reason, section, warnings } from "./widgets.js";

export const CHECK_DEBOUNCE_MS = 120;

const LABELS = { mobile: "Mobile", alternateMobile: "Alternate mobile", office: "Office phone" };

function editor(ctx, actions, phone) {
  const { doc, api } = ctx;
  const type = actions.phoneType;
  const label = LABELS[type] ?? type;
  let latest = 0;
  let pending = null;
  let checked = null; // the last PhoneCheckInfo for the field's current text

  const input = h(doc, "input", {
    className: "text-input",
    testid: `phone-input-${type}`,
    "aria-label": `${label} number`,
    attrs: { autocomplete: "off", spellcheck: "false" },
    placeholder: phone ? "New number" : "Number, e.g. +44 7400 123456 or national",
    disabled: !actions.set.allowed,
  });
  const preview = h(doc, "p", { className: "phone-preview", testid: `phone-preview-${type}`, hidden: true });
  const notes = h(doc, "ul", { className: "user-notes", testid: `phone-notes-${type}`, hidden: true });
  const save = actionButton(doc, phone ? "Change" : "Add", actions.set, { testid: `phone-save-${type}` });
  save.disabled = true;

  function paint(check) {
    checked = check;
    const text = input.value.trim();
    preview.hidden = !text;
    notes.hidden = true;
    if (!text || !check) {
      save.disabled = true;
      return;
    }
    if (check.problem) {
      preview.className = "phone-preview bad";
      preview.textContent = check.problem;
    } else {
      preview.className = "phone-preview good";
      preview.textContent = `Will send ${check.number}`;
    }
    const lines = [...check.repairs.map((r) => `Repaired: ${r}`), ...check.warnings];
    notes.replaceChildren(...lines.map((l) => h(doc, "li", { text: l })));
    notes.hidden = lines.length === 0;
    save.disabled = !actions.set.allowed || !!check.problem || !check.number;
  }

  async function recheck() {
    const text = input.value.trim();
    const ticket = ++latest;
    if (!text) return paint(null);
    try {
      const check = await api.checkPhone(text, ctx.region(), type);
      if (ticket === latest) paint(check);
    } catch (error) {
      if (ticket === latest) ctx.errors.show(error, "user");
    }
  }

  input.addEventListener("input", () => {
    save.disabled = true;
    ctx.timers.clearTimeout(pending);
    pending = ctx.timers.setTimeout(recheck, CHECK_DEBOUNCE_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !save.disabled) save.click();
  });
  save.addEventListener("click", () => {
    if (!checked?.number) return;
    ctx.run(() =>
      api.applyUserEdit(ctx.userId, { action: "setPhone", phoneType: type, input: input.value.trim() }, ctx.region()),
    );
  });

  const remove = phone
    ? actionButton(doc, "Remove", actions.remove, {
        testid: `phone-remove-${type}`,
        onclick: () => ctx.run(() => api.applyUserEdit(ctx.userId, { action: "removePhone", phoneType: type })),
      })
    : null;

  const current = phone
    ? h(doc, "div", { className: "phone-current" },
        h(doc, "span", { className: "mono", testid: `phone-number-${type}`, text: phone.number }),
        phone.smsSignInText && type === "mobile"
          ? h(doc, "span", { className: "muted", testid: "phone-sms-state", text: phone.smsSignInText })
          : null,
        phone.notUsable ? h(doc, "p", { className: "user-reason", text: phone.notUsable }) : null)
    : h(doc, "div", { className: "phone-current muted", text: "Not set" });

  const row = h(doc, "div", { className: "phone-editor", testid: `phone-${type}` },
    h(doc, "div", { className: "phone-label", text: label }),
    h(doc, "div", { className: "phone-body" },
      current,
      h(doc, "div", { className: "phone-form" }, input, save, remove),
      preview,
      notes,
      reason(doc, actions.set, `phone-set-reason-${type}`),
      phone ? reason(doc, actions.remove, `phone-remove-reason-${type}`) : null,
      warnings(doc, actions.set.allowed ? actions.set.warnings : null)));
  return { row, recheck };
}

/** The Phones section: region, three editors, and the profile's phones beside them. */
export function phonesSection(ctx) {
  const { doc, detail } = ctx;
  const editors = detail.actions.phones.map((a) =>
    editor(ctx, a, detail.phones.find((p) => p.phoneType === a.phoneType)),
  );
  const region = h(doc, "input", {
    className: "text-input region-input",
    testid: "phone-region",
    value: ctx.region() ?? "",
    attrs: { maxlength: "2" },
    "aria-label": "Default region",
  });
  region.addEventListener("input", () => {
    ctx.setRegion(region.value.trim().toUpperCase());
    for (const e of editors) e.recheck();
  });
  const mobileSet = detail.actions.phones.find((a) => a.phoneType === "mobile")?.set;
  const useProfile = detail.profileMobileAsAuth
    ? actionButton(doc, "Use as authentication mobile", mobileSet, {
        testid: "use-profile-mobile",
        onclick: () =>
          ctx.run(() =>
            ctx.api.applyUserEdit(ctx.userId, { action: "setPhone", phoneType: "mobile", input: detail.profileMobileAsAuth }, ctx.region()),
          ),
      })
    : null;
  const profile = h(doc, "div", { className: "profile-phones", testid: "profile-phones" },
    h(doc, "span", { className: "muted", text: "Directory profile (contact info, not a sign-in method): " }),
    h(doc, "span", { text: `mobile ${detail.profileMobile ?? "none"}` }),
    h(doc, "span", { text: ` · business ${detail.profileBusiness.length ? detail.profileBusiness.join(", ") : "none"}` }),
    useProfile);
  return section(doc, "Phones", "user-phones",
    h(doc, "p", { className: "muted region-line" }, "Numbers without a +country code are read as ", region, " numbers."),
    ...editors.map((e) => e.row),
    profile);
}
