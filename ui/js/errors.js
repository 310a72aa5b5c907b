// The visible error region. Every rejected call ends up here as a sentence, never only in the
// console. Knows the shape of the IPC error ({ kind, ... }); holds no other rules.

import { h } from "./dom.js";

/** A sentence for an IPC error (or anything else a promise rejected with). */
export function describeError(error) {
  if (error && typeof error === "object") {
    switch (error.kind) {
      case "notSignedIn":
        return "You are not signed in.";
      case "throttled":
        return `Microsoft Graph is busy. Try again in ${error.retryAfterS} s.`;
      case "graph": {
        const where = error.status ? `Graph ${error.status} ${error.code}` : error.code;
        const support = error.requestId ? `, request-id ${error.requestId}` : "";
        return `${error.message} (${where}${support})`;
      }
      case "signInCancelled":
        return "The sign-in was cancelled.";
      case "signInFailed":
      case "keychain":
      case "invalidSetup":
      case "refused":
      case "invalidInput":
      case "internal":
        return error.message;
      default:
        if (typeof error.message === "string") return error.message;
    }
  }
  return String(error);
}

/** Kinds that are the app refusing or asking for better input, not something going wrong. */
const NOTICE = new Set(["refused", "invalidInput", "invalidSetup"]);

/**
 * Wraps the #error element. show(error, source) displays one message per source (e.g. "users",
 * "session"); clear(source) removes that source's message once its call succeeds again.
 */
export function errorRegion(element) {
  const messages = new Map();
  const kinds = new Map();
  const doc = element.ownerDocument;
  function paint() {
    // One line per distinct message: a failed startup reaches every call with the same text.
    element.replaceChildren(
      ...[...new Set(messages.values())].map((text) => {
        // A refusal or bad input is the app doing its job, not a fault: shown as a notice.
        const notice = [...messages].some(([k, t]) => t === text && NOTICE.has(kinds.get(k)));
        return h(doc, "p", { className: notice ? "error-line notice" : "error-line", text });
      }),
    );
    element.hidden = messages.size === 0;
  }
  return {
    show(error, source = "app") {
      messages.set(source, describeError(error));
      kinds.set(source, error?.kind);
      paint();
    },
    clear(source = "app") {
      kinds.delete(source);
      if (messages.delete(source)) paint();
    },
  };
}
