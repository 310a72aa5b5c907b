// "Why asked to register?": a button in the user panel that asks Rust for the diagnosis and
// shows it — the summary, what is registered, then each reason with its verdict (and, when it
// cannot be known with this role, what would tell). Holds no rules: every word comes from Rust.

import { h, pill } from "../dom.js";
import { section } from "./widgets.js";

const VERDICT = {
  asks: ["Asks", "warn"],
  doesNotAsk: ["Does not ask", "ok"],
  cannotKnow: ["Not known", "neutral"],
};

function findingItem(doc, f) {
  const [label, variant] = VERDICT[f.verdict] ?? [f.verdict, "neutral"];
  return h(doc, "li", { className: `why-finding why-${f.verdict}`, testid: "why-finding", "data-topic": f.topic, "data-verdict": f.verdict },
    h(doc, "div", { className: "why-finding-head" }, pill(doc, label, variant, "why-verdict"), h(doc, "strong", { text: f.title })),
    h(doc, "p", { className: "why-text", text: f.text }),
    f.needs ? h(doc, "p", { className: "why-needs muted", testid: "why-needs", text: `Would tell: ${f.needs}` }) : null);
}

/** The diagnosis, or null before it was asked for. */
function result(doc, d) {
  if (!d) return null;
  const tone = d.asked ? "why-asked" : d.partial ? "why-partial" : "why-not-asked";
  return h(doc, "div", { className: "why-result", testid: "why-result", "data-asked": String(d.asked), "data-partial": String(d.partial) },
    h(doc, "p", { className: `why-summary ${tone}`, testid: "why-summary", text: d.summary }),
    h(doc, "p", { className: "muted", text: `Registered: ${d.registered.length ? d.registered.join("; ") : "nothing but a password"}` }),
    h(doc, "ul", { className: "why-findings", testid: "why-findings" }, d.findings.map((f) => findingItem(doc, f))));
}

/**
 * The section. `state` is the panel's { diagnosis, busy } for the open user; `run()` asks Rust
 * and re-renders.
 */
export function whySection(ctx, state, run) {
  const { doc } = ctx;
  const button = h(doc, "button", {
    type: "button",
    className: "button small",
    testid: "why-asked-button",
    text: state.busy ? "Reading the tenant…" : state.diagnosis ? "Ask again" : "Why asked to register?",
    disabled: state.busy,
    onclick: run,
  });
  return section(doc, "Why asked to register?", "user-why",
    h(doc, "p", { className: "muted", text: "Sets what they registered against every reason Entra has to ask: the methods policy, the registration campaign, SSPR, security defaults, Identity Protection, Conditional Access, a Temporary Access Pass, per-user MFA and methods that cannot be used." }),
    button,
    result(doc, state.diagnosis));
}
