// Modal dialogs of the user panel: a confirmation, the Temporary Access Pass dialog (the pass is
// shown once with a copy button and dropped from the page when the dialog closes), and the
// re-registration confirmation listing what will be removed and what stays.

import { describeError } from "../errors.js";
import { h } from "../dom.js";

/** Shows `content` in a modal inside `host`; returns a function that closes it. */
function modal(doc, host, testid, content) {
  const box = h(doc, "div", { className: "user-modal-box", attrs: { role: "dialog", "aria-modal": "true" }, testid }, content);
  const backdrop = h(doc, "div", { className: "user-modal" }, box);
  host.replaceChildren(backdrop);
  host.hidden = false;
  return () => {
    host.replaceChildren();
    host.hidden = true;
  };
}

/** Resolves true when the admin confirms, false when they cancel. */
export function confirmDialog(doc, host, { title, body, ok = "Confirm", extra = null }) {
  return new Promise((resolve) => {
    let close = () => {};
    const done = (answer) => {
      close();
      resolve(answer);
    };
    const cancel = h(doc, "button", { type: "button", className: "button", text: "Cancel", testid: "confirm-cancel", onclick: () => done(false) });
    const confirm = h(doc, "button", { type: "button", className: "button danger", text: ok, testid: "confirm-ok", onclick: () => done(true) });
    close = modal(doc, host, "confirm-dialog", [
      h(doc, "h2", { className: "user-modal-title", text: title }),
      h(doc, "p", { text: body }),
      extra,
      h(doc, "div", { className: "actions" }, cancel, confirm),
    ]);
    confirm.focus?.();
  });
}

/** The TAP dialog for `detail`; `issue({ lifetimeMinutes, oneTime, start })` resolves to TapInfo. */
export function tapDialog(doc, host, { detail, issue, copy, onClosed }) {
  const policy = detail.tapPolicy;
  const lifetime = h(doc, "input", {
    className: "text-input narrow",
    type: "number",
    testid: "tap-lifetime",
    value: String(policy?.defaultLifetimeMinutes ?? 60),
    min: String(policy?.minimumLifetimeMinutes ?? 10),
    max: String(policy?.maximumLifetimeMinutes ?? 43200),
    "aria-label": "Lifetime in minutes",
  });
  const oneTime = h(doc, "input", { type: "checkbox", testid: "tap-one-time", checked: true, disabled: !!policy?.oneTimeOnly });
  const start = h(doc, "input", { className: "text-input", type: "datetime-local", testid: "tap-start", "aria-label": "Usable from (empty: now)" });
  const limits = policy
    ? `The tenant's policy allows ${policy.minimumLifetimeMinutes} to ${policy.maximumLifetimeMinutes} minutes${policy.oneTimeOnly ? ", one-time passes only" : ""}.`
    : "The TAP policy could not be read; Graph checks the limits.";
  const result = h(doc, "div", { className: "tap-result", testid: "tap-result", hidden: true });
  const message = h(doc, "p", { className: "user-reason", testid: "tap-error", hidden: true });
  const issueButton = h(doc, "button", { type: "button", className: "button primary", text: "Issue pass", testid: "tap-issue" });
  const closeButton = h(doc, "button", { type: "button", className: "button", text: "Close", testid: "tap-close" });
  const form = h(doc, "div", { className: "tap-form" },
    h(doc, "label", { className: "field" }, h(doc, "span", { className: "field-label", text: "Lifetime (minutes)" }), lifetime),
    h(doc, "label", { className: "field" }, h(doc, "span", { className: "field-label", text: "Usable from (empty: now)" }), start),
    h(doc, "label", { className: "user-check" }, oneTime, h(doc, "span", { text: "One-time use" })),
    h(doc, "p", { className: "muted", testid: "tap-policy", text: limits }));
  const close = modal(doc, host, "tap-dialog", [
    h(doc, "h2", { className: "user-modal-title", text: `Temporary Access Pass for ${detail.displayName}` }),
    h(doc, "p", { className: "muted", text: "Issuing a pass replaces any usable pass this user has." }),
    form,
    message,
    result,
    h(doc, "div", { className: "actions" }, closeButton, issueButton),
  ]);
  closeButton.addEventListener("click", () => {
    result.replaceChildren(); // the pass leaves the page with the dialog
    close();
    onClosed();
  });
  issueButton.addEventListener("click", async () => {
    issueButton.disabled = true;
    message.hidden = true;
    try {
      // datetime-local is the admin's local time; Rust takes an absolute instant.
      const from = start.value ? new Date(start.value).toISOString() : null;
      const tap = await issue({ lifetimeMinutes: Number(lifetime.value), oneTime: oneTime.checked, start: from });
      const copied = h(doc, "span", { className: "muted", testid: "tap-copied", "aria-live": "polite" });
      const copyButton = h(doc, "button", {
        type: "button",
        className: "button small",
        text: "Copy",
        testid: "tap-copy",
        onclick: async () => {
          copied.textContent = (await copy(tap.pass)) ? "Copied" : "Copy failed: select the pass instead";
        },
      });
      result.replaceChildren(
        h(doc, "div", { className: "tap-pass-row" }, h(doc, "code", { className: "tap-pass", testid: "tap-pass", text: tap.pass }), copyButton, copied),
        h(doc, "p", { className: "muted", text: `${tap.oneTime ? "One-time" : "Multi-use"}, ${tap.lifetimeMinutes} minutes from ${tap.start ?? "now"}. Shown once: Prestage does not keep it.` }),
      );
      result.hidden = false;
      form.hidden = true;
      issueButton.hidden = true;
    } catch (error) {
      message.textContent = describeError(error);
      message.hidden = false;
      issueButton.disabled = false;
    }
  });
}

/** The list of what re-registration removes and keeps, for the confirmation. */
export function reregisterList(doc, detail) {
  return h(doc, "div", { className: "rereg" },
    h(doc, "ul", { className: "user-notes", testid: "rereg-steps" }, detail.reregisterSteps.map((s) => h(doc, "li", { text: s }))),
    detail.reregisterKept.length
      ? h(doc, "ul", { className: "user-notes muted" }, detail.reregisterKept.map((k) => h(doc, "li", { text: `${k.what} stays: ${k.reason}` })))
      : null);
}
