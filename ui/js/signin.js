// The sign-in screen: "Sign in with your browser", "Use a device code", "Try the sandbox
// tenant", the remembered account, a waiting line with Cancel, and the device code with a copy
// button. Handed the api (js/api.js or a fake) and its elements, so it runs without Tauri.

const WAITING = {
  browser: "Finish signing in in the browser window Prestage opened.",
  deviceStart: "Asking Microsoft for a code…",
  device: "Waiting for you to enter the code and sign in on the other device…",
  sandbox: "Starting the sandbox tenant…",
};

/**
 * `elements`: { remembered, rememberedInitials, rememberedName, rememberedUpn, browser, device,
 * waiting, waitingText, cancel, devicePanel, deviceUri, deviceCode, deviceCopy, deviceCopied,
 * deviceExpiry, client, tenant, change, sandbox }.
 * `onSignedIn(info)` gets the SessionInfo; `onSetup()` opens the setup screen; `copy(text)`
 * puts text on the clipboard (resolves to true when it did).
 */
export function mountSignIn({ api, errors, elements: e, copy, onSignedIn, onSetup, initials }) {
  const buttons = [e.browser, e.device, e.sandbox];

  function busy(what) {
    for (const b of buttons) b.disabled = true;
    e.waitingText.textContent = WAITING[what];
    e.waiting.hidden = false;
    e.cancel.hidden = what === "sandbox";
  }

  function idle() {
    for (const b of buttons) b.disabled = false;
    e.waiting.hidden = true;
    e.devicePanel.hidden = true;
    e.deviceCopied.textContent = "";
  }

  /** Runs one sign-in; a cancel is quiet, any other failure lands in the error region. */
  async function attempt(what, signIn) {
    errors.clear("signin");
    busy(what);
    try {
      const info = await signIn();
      idle();
      onSignedIn(info);
    } catch (error) {
      idle();
      if (error?.kind !== "signInCancelled") errors.show(error, "signin");
    }
  }

  e.browser.addEventListener("click", () => attempt("browser", () => api.signInBrowser()));
  e.device.addEventListener("click", () =>
    attempt("deviceStart", async () => {
      const code = await api.signInDeviceStart();
      e.deviceUri.textContent = code.verificationUri;
      e.deviceCode.textContent = code.userCode;
      e.deviceExpiry.textContent = `The code works for ${Math.round(code.expiresInS / 60)} minutes.`;
      e.devicePanel.hidden = false;
      busy("device");
      return api.signInDeviceFinish();
    }),
  );
  e.sandbox.addEventListener("click", () => attempt("sandbox", () => api.useSandbox()));
  e.cancel.addEventListener("click", () => {
    api.cancelSignIn().catch((error) => errors.show(error, "signin"));
  });
  e.deviceCopy.addEventListener("click", async () => {
    const done = await copy(e.deviceCode.textContent);
    e.deviceCopied.textContent = done ? "Copied" : "Select the code and copy it";
  });
  e.change.addEventListener("click", (event) => {
    event.preventDefault?.();
    onSetup();
  });

  return {
    /** Fills the screen from the app status. */
    show(status) {
      idle();
      const remembered = status.rememberedAccount;
      e.remembered.hidden = !remembered;
      if (remembered) {
        e.rememberedInitials.textContent = initials(remembered.displayName);
        e.rememberedName.textContent = remembered.displayName;
        e.rememberedUpn.textContent = remembered.userPrincipalName;
        e.browser.textContent = "Sign in again with your browser";
      } else {
        e.browser.textContent = "Sign in with your browser";
      }
      e.client.textContent = status.setup.clientId ?? "";
      e.tenant.textContent = status.setup.tenant;
      // Device codes are opt-in (setup screen): they widen the phishing surface.
      e.device.hidden = !status.setup.deviceCode;
    },
  };
}
