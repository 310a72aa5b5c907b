// Entry point: finds the page's elements, fills the header from the session and starts the
// user list. Every failure goes to the #error region.

import * as api from "./api.js";
import { errorRegion } from "./errors.js";
import { initials, mountUsers } from "./users.js";

const $ = (id) => document.getElementById(id);
const errors = errorRegion($("error"));

async function showSession() {
  try {
    const info = await api.sessionInfo();
    $("tenant").textContent = info.tenantName;
    $("sandbox-badge").hidden = !info.sandbox;
    $("account-initials").textContent = initials(info.account.displayName);
    $("account-name").textContent = info.account.displayName;
    $("account-role").textContent = info.role;
    $("account").title = `${info.account.displayName} <${info.account.userPrincipalName}>`;
    $("account").hidden = false;
    errors.clear("session");
  } catch (error) {
    errors.show(error, "session");
  }
}

const users = mountUsers({
  api,
  errors,
  elements: {
    input: $("search"),
    tbody: $("user-rows"),
    count: $("user-count"),
    empty: $("empty"),
    loading: $("loading"),
    wrap: $("table-wrap"),
  },
});

showSession();
users.search("");
$("search").focus();
