// The first-run setup screen: client ID + tenant, the admin-consent link (made by Rust as the
// fields change), save, and "Try the sandbox tenant". Validation is Rust's: a rejected save
// comes back as { kind: "invalidSetup", field, message } and is shown under that field.

/**
 * `elements`: { form, client, tenant, clientError, tenantError, consent, consentLink,
 * consentOpen, consentCopy, consentCopied, back, sandbox, deviceCode? }.
 * `onSaved(status)` gets the new app status; `onBack()` returns to sign-in; `onSandbox()`
 * starts the sandbox tenant; `copy(text)` resolves to true when the text is on the clipboard.
 */
export function mountSetup({ api, errors, elements: e, copy, onSaved, onBack, onSandbox }) {
  const fieldErrors = { clientId: [e.client, e.clientError], tenant: [e.tenant, e.tenantError] };
  let ticket = 0;

  function values() {
    return [e.client.value.trim(), e.tenant.value.trim() || "organizations"];
  }

  function clearFieldErrors() {
    for (const [input, message] of Object.values(fieldErrors)) {
      input.setAttribute("aria-invalid", "false");
      message.hidden = true;
      message.textContent = "";
    }
  }

  /** Asks Rust for the admin-consent link; hides it while the fields are not valid yet. */
  async function refreshLink() {
    const mine = ++ticket;
    const [clientId, tenant] = values();
    if (!clientId) {
      e.consent.hidden = true;
      return;
    }
    try {
      const link = await api.adminConsentLink(clientId, tenant);
      if (mine !== ticket) return;
      e.consentLink.textContent = link;
      e.consentCopied.textContent = "";
      e.consent.hidden = false;
    } catch {
      if (mine === ticket) e.consent.hidden = true;
    }
  }

  async function save() {
    clearFieldErrors();
    errors.clear("setup");
    const [clientId, tenant] = values();
    try {
      onSaved(await api.saveSetup(clientId, tenant, Boolean(e.deviceCode?.checked)));
    } catch (error) {
      const field = error?.kind === "invalidSetup" ? fieldErrors[error.field] : null;
      if (field) {
        field[0].setAttribute("aria-invalid", "true");
        field[1].textContent = error.message;
        field[1].hidden = false;
      } else {
        errors.show(error, "setup");
      }
    }
  }

  e.client.addEventListener("input", refreshLink);
  e.tenant.addEventListener("input", refreshLink);
  e.form.addEventListener("submit", (event) => {
    event.preventDefault?.();
    save();
  });
  e.consentOpen.addEventListener("click", () => {
    const [clientId, tenant] = values();
    api.openAdminConsent(clientId, tenant).catch((error) => errors.show(error, "setup"));
  });
  e.consentCopy.addEventListener("click", async () => {
    const done = await copy(e.consentLink.textContent);
    e.consentCopied.textContent = done ? "Copied" : "Select the link and copy it";
  });
  e.back.addEventListener("click", () => onBack());
  e.sandbox.addEventListener("click", () => onSandbox());

  return {
    /** Fills the fields from the app status; "Back" only when a registration is saved. */
    show(status) {
      clearFieldErrors();
      e.client.value = status.setup.clientId ?? "";
      e.tenant.value = status.setup.tenant ?? "organizations";
      if (e.deviceCode) e.deviceCode.checked = Boolean(status.setup.deviceCode);
      e.back.hidden = !status.setup.configured;
      return refreshLink();
    },
    save,
  };
}
