// The header's account chip and the roles panel it opens: who is signed in, to which tenant,
// their directory roles and what those allow (sentences from Rust — no role rules here), and
// the sign-out button. Handed its elements, so it runs without Tauri.

import { h } from "./dom.js";
import { initials } from "./users.js";

function items(doc, texts) {
  return texts.map((text) => h(doc, "li", { text }));
}

/**
 * `elements`: { tenant, badge, chip, chipInitials, chipName, chipRole, panel, panelInitials,
 * panelName, panelUpn, panelTenant, panelRoles, panelAllows, signOut }.
 * `onSignOut()` is called when the sign-out button is pressed.
 */
export function mountAccount({ elements: e, onSignOut }) {
  const doc = e.chip.ownerDocument;

  function setOpen(open) {
    e.panel.hidden = !open;
    e.chip.setAttribute("aria-expanded", String(open));
  }

  e.chip.addEventListener("click", () => setOpen(e.panel.hidden));
  e.signOut.addEventListener("click", () => {
    setOpen(false);
    onSignOut();
  });

  return {
    /** Shows `info` (SessionInfo) in the header and the panel. */
    show(info) {
      const { displayName, userPrincipalName } = info.account;
      e.tenant.textContent = info.tenantName;
      e.badge.hidden = !info.sandbox;
      e.chipInitials.textContent = initials(displayName);
      e.chipName.textContent = displayName;
      e.chipRole.textContent = info.role;
      e.chip.title = `${displayName} <${userPrincipalName}>\n${info.roles.join(", ") || info.role}`;
      e.chip.hidden = false;
      e.panelInitials.textContent = initials(displayName);
      e.panelName.textContent = displayName;
      e.panelUpn.textContent = userPrincipalName;
      e.panelTenant.textContent = info.sandbox ? `${info.tenantName} (sandbox)` : info.tenantName;
      const roles = info.roles.length ? info.roles : [info.role];
      e.panelRoles.replaceChildren(...items(doc, roles));
      e.panelAllows.replaceChildren(...items(doc, info.allows));
    },
    /** Empties the header (signed out). */
    clear() {
      setOpen(false);
      e.tenant.textContent = "";
      e.badge.hidden = true;
      e.chip.hidden = true;
    },
    setOpen,
  };
}
