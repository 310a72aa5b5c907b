// A confirmation over the import screen: a modal with a question, what will happen, and two
// buttons. Escape or "Back" says no; focus starts on the confirming button and stays inside.

import { focus, h } from "../dom.js";

/** `host` gets the overlay; ask({ title, lines, confirm }) resolves to true or false. */
export function createConfirm(doc, host) {
  const heading = h(doc, "h2", { className: "modal-title", id: "import-confirm-title" });
  const body = h(doc, "div", { className: "modal-body", testid: "confirm-body" });
  const ok = h(doc, "button", { type: "button", className: "button primary", testid: "confirm-ok" });
  const back = h(doc, "button", { type: "button", className: "button", testid: "confirm-cancel" }, "Back");
  const modal = h(
    doc,
    "div",
    {
      className: "modal",
      testid: "confirm",
      attrs: { role: "dialog", "aria-modal": "true", "aria-labelledby": "import-confirm-title" },
    },
    heading,
    body,
    h(doc, "div", { className: "actions" }, ok, back),
  );
  const overlay = h(doc, "div", { className: "modal-backdrop", hidden: true }, modal);
  host.append(overlay);
  let answer = null;

  function close(value) {
    overlay.hidden = true;
    const settle = answer;
    answer = null;
    settle?.(value);
  }
  ok.addEventListener("click", () => close(true));
  back.addEventListener("click", () => close(false));
  overlay.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close(false);
    if (event.key === "Tab") {
      event.preventDefault?.();
      focus(doc.activeElement === ok ? back : ok);
    }
  });

  return {
    ask({ title, lines, confirm }) {
      close(false);
      heading.textContent = title;
      body.replaceChildren(...lines.map((line) => h(doc, "p", {}, line)));
      ok.textContent = confirm;
      overlay.hidden = false;
      focus(ok);
      return new Promise((resolve) => {
        answer = resolve;
      });
    },
    /** Tests and the router: is it open? */
    get open() {
      return !overlay.hidden;
    },
  };
}
