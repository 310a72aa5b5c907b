// Which screen shows: users when signed in, setup when no app registration is saved, sign-in
// otherwise. Start-up's problem (expired session, locked keychain) goes to the error region;
// a "not signed in" answer mid-run sends the person back to sign-in.

/**
 * `views`: { starting, signin, setup, users, import, report, developer? } elements; `screens`:
 * { account, signin, setup, users, import, report, nav } from their mount functions (import,
 * report and nav are optional).
 */
export function createRouter({ api, errors, views, screens }) {
  let marked = false;
  /** Once: the first screen shown can take input — after its paint, when the event loop is free. */
  function markInteractive(name, ready = Promise.resolve()) {
    if (marked) return;
    marked = true;
    const frame = globalThis.requestAnimationFrame ?? ((fn) => setTimeout(fn, 0));
    ready.then(() => frame(() => setTimeout(() => api.startupMark?.(name), 0)));
  }

  function showView(name, keepCampaign = false) {
    views.starting.hidden = true;
    for (const key of ["signin", "setup", "users", "import", "report", "campaign"]) {
      if (views[key]) views[key].hidden = key !== name;
    }
    screens.nav?.current(name);
    if (name === "report") screens.report?.shown();
    if (name === "campaign" && !keepCampaign) screens.campaign?.shown();
  }

  function signedIn(info) {
    errors.clear("startup");
    errors.clear("signin");
    errors.clear("setup");
    // Signed in, but the keychain refused the token: fine for now, the next start asks again.
    if (info.keychainWarning) errors.show({ kind: "keychain", message: info.keychainWarning }, "keychain");
    else errors.clear("keychain");
    screens.account.show(info);
    showView("users");
    markInteractive("users-interactive", screens.users.search("") ?? undefined);
    screens.import?.signedIn(info);
  }

  function route(status) {
    if (views.developer) {
      // The developer switch lets sign-in go somewhere other than Microsoft: say so, always.
      views.developer.textContent = status.setup.developerEndpoints ?? "";
      views.developer.hidden = !status.setup.developerEndpoints;
    }
    if (status.problem) errors.show(status.problem, "startup");
    else errors.clear("startup");
    if (status.session) return signedIn(status.session);
    screens.account.clear();
    screens.import?.signedOut();
    screens.report?.signedOut();
    errors.clear("users");
    if (status.setup.configured) {
      screens.signin.show(status);
      showView("signin");
      markInteractive("signin-interactive");
    } else {
      screens.setup.show(status);
      showView("setup");
      markInteractive("setup-interactive");
    }
  }

  async function refresh() {
    try {
      route(await api.appStatus());
    } catch (error) {
      errors.show(error, "startup");
    }
  }

  return {
    route,
    refresh,
    signedIn,
    /** A signed-in view from the navigation ("users" or "import"). */
    open: (name) => showView(name),
    /** The campaign screen started from the report (a tile or a selection). */
    startCampaign(origin) {
      screens.campaign?.start(origin);
      showView("campaign", true);
    },
    /** The setup screen on demand ("Change setup"). */
    async openSetup() {
      try {
        const status = await api.appStatus();
        screens.setup.show(status);
        showView("setup");
      } catch (error) {
        errors.show(error, "setup");
      }
    },
    async signOut() {
      try {
        route(await api.signOut());
      } catch (error) {
        errors.show(error, "session");
      }
    },
    async trySandbox() {
      errors.clear("setup");
      try {
        signedIn(await api.useSandbox());
      } catch (error) {
        errors.show(error, "setup");
      }
    },
    /** An errors object for screens: "not signed in" routes back to sign-in. */
    guard(errorsFor) {
      return {
        show(error, source) {
          if (error?.kind === "notSignedIn") refresh();
          else errorsFor.show(error, source);
        },
        clear: (source) => errorsFor.clear(source),
      };
    },
  };
}
