// The user panel: a drawer over the user list showing one user's overview (every method, phones,
// email, SMS sign-in, default method, MFA registration) with editors whose buttons follow the
// pre-flight verdicts Rust computed. Each action is one command; afterwards the overview is read
// again. Holds no business rules: reasons, numbers and limits all come from Rust.

import { confirmDialog, reregisterList, tapDialog } from "./dialogs.js";
import { h, pill } from "../dom.js";
import { section } from "./widgets.js";
import { mfaStateSection } from "./mfa_state.js";
import { phonesSection } from "./phones.js";
import {
  defaultSection,
  emailSection,
  methodsSection,
  onboardingSection,
  registrationSection,
  smsSection,
} from "./sections.js";
import { whySection } from "./why.js";

function header(doc, detail, onClose) {
  const pills = [
    pill(doc, detail.synced ? "Synced" : "Cloud", detail.synced ? "info" : "neutral"),
    detail.accountEnabled === false ? pill(doc, "Disabled", "off") : pill(doc, "Enabled", "ok"),
    detail.guest ? pill(doc, "Guest", "warn") : pill(doc, "Member", "neutral"),
    ...detail.roles.map((r) => pill(doc, r, "warn", "user-role")),
  ];
  return h(doc, "header", { className: "user-head" },
    h(doc, "div", { className: "user-who" },
      h(doc, "h2", { className: "user-title", testid: "user-name", text: detail.displayName }),
      h(doc, "div", { className: "upn", testid: "user-upn", text: detail.userPrincipalName }),
      h(doc, "div", { className: "user-pills" }, pills)),
    h(doc, "button", { type: "button", className: "button small", text: "Close", testid: "user-close", "aria-label": "Close the user panel", onclick: onClose }));
}

/** One line per write of an outcome, then warnings and what was kept. */
function outcomeLines(outcome) {
  const show = (v) => v ?? "—";
  return [
    ...outcome.written.map((w) => `✓ ${w.what}: ${show(w.before)} → ${show(w.after)}${w.note ? ` (${w.note})` : ""}`),
    ...outcome.kept.map((k) => `· ${k.what} stays: ${k.reason}`),
    ...outcome.warnings.map((w) => `! ${w}`),
  ];
}

/**
 * Mounts the panel into `root` (a container the page provides). `errors` is the app's error
 * region; `copy(text)` puts text on the clipboard. Returns { open(userId), close(), isOpen() }.
 */
export function mountUserPanel({ api, errors, root, copy, timers = globalThis }) {
  const doc = root.ownerDocument;
  const body = h(doc, "div", { className: "user-panel-body", "aria-busy": "false" });
  const status = h(doc, "div", { className: "user-status", testid: "user-status", attrs: { role: "status" }, hidden: true });
  const panel = h(doc, "aside", { className: "user-panel", testid: "user-panel", "aria-label": "User", hidden: true }, status, body);
  const modalHost = h(doc, "div", { className: "user-modal-host", hidden: true });
  root.append(panel, modalHost);

  let userId = null;
  let region; // undefined until the first overview says the tenant's region
  let latest = 0;
  // The diagnosis of the open user (kept across re-renders; cleared for another user).
  const why = { diagnosis: null, busy: false };

  async function runWhy() {
    const id = userId;
    why.busy = true;
    if (ctx.detail) render(ctx.detail);
    try {
      const d = await api.whyAsked(id);
      if (id !== userId) return;
      why.diagnosis = d;
      errors.clear("user-why");
    } catch (error) {
      if (id === userId) errors.show(error, "user-why");
    } finally {
      if (id === userId) {
        why.busy = false;
        if (ctx.detail) render(ctx.detail);
      }
    }
  }

  function close() {
    latest++;
    userId = null;
    why.diagnosis = null;
    panel.hidden = true;
    modalHost.replaceChildren();
    modalHost.hidden = true;
    errors.clear("user");
  }

  const ctx = {
    doc,
    api,
    errors,
    timers,
    get userId() {
      return userId;
    },
    region: () => region ?? null,
    setRegion: (r) => {
      region = r || null;
    },
    confirm: (options) => confirmDialog(doc, modalHost, options),
    async run(call) {
      status.hidden = true;
      try {
        const outcome = await call();
        const lines = outcomeLines(outcome);
        status.replaceChildren(...lines.map((l) => h(doc, "p", { text: l })));
        status.className = "user-status ok";
        status.hidden = lines.length === 0;
        if (outcome.failed) errors.show({ kind: "internal", message: outcome.failed }, "user");
        else errors.clear("user");
      } catch (error) {
        errors.show(error, "user");
      }
      await load(userId);
    },
    openTap: () =>
      tapDialog(doc, modalHost, {
        detail: ctx.detail,
        copy,
        issue: (choice) => api.issueTap(userId, choice),
        onClosed: () => load(userId),
      }),
    async openReregister() {
      const ok = await ctx.confirm({
        title: `Require ${ctx.detail.displayName} to register MFA again?`,
        body: "These methods are removed, in the order Graph accepts. The user registers new ones at the next sign-in.",
        ok: "Remove methods",
        extra: reregisterList(doc, ctx.detail),
      });
      if (ok) ctx.run(() => api.requireReregistration(userId));
    },
  };

  function render(detail) {
    ctx.detail = detail;
    const write = detail.actions.write;
    const parts = [
      header(doc, detail, close),
      write.allowed
        ? null
        : h(doc, "div", { className: "user-refusal", testid: "user-write-refusal", attrs: { role: "note" } },
            h(doc, "strong", { text: "You can look but not change: " }),
            h(doc, "span", { text: write.reason ?? "" })),
      detail.hints.length ? h(doc, "ul", { className: "user-hints", testid: "user-hints" }, detail.hints.map((t) => h(doc, "li", { text: t }))) : null,
      detail.maskedNumbers ? h(doc, "p", { className: "muted", text: "Phone numbers are masked for your role; a change replaces the number without showing the old one." }) : null,
      methodsSection(ctx),
      phonesSection(ctx),
      smsSection(ctx),
      defaultSection(ctx),
      emailSection(ctx),
      registrationSection(ctx),
      mfaStateSection(ctx),
      whySection(ctx, why, runWhy),
      onboardingSection(ctx),
    ];
    body.replaceChildren(...parts.filter(Boolean));
  }

  async function load(id) {
    if (!id) return;
    const ticket = ++latest;
    body.setAttribute("aria-busy", "true");
    try {
      const detail = await api.userOverview(id);
      if (ticket !== latest) return;
      if (region === undefined) region = detail.defaultRegion ?? null;
      render(detail);
      errors.clear("user-load");
    } catch (error) {
      if (ticket === latest) errors.show(error, "user-load");
    } finally {
      if (ticket === latest) body.setAttribute("aria-busy", "false");
    }
  }

  return {
    /**
     * Opens `id`'s panel (a new user starts with the tenant's region and no status);
     * `{ why: true }` also asks why they are asked to register.
     */
    async open(id, options = {}) {
      if (id !== userId) {
        status.hidden = true;
        region = undefined;
        why.diagnosis = null;
        why.busy = false;
        body.replaceChildren(section(doc, "Loading…", "user-loading"));
      }
      userId = id;
      panel.hidden = false;
      if (options.why) await Promise.all([load(id), runWhy()]);
      else await load(id);
    },
    close,
    isOpen: () => !panel.hidden,
  };
}
