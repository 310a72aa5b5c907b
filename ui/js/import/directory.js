// The Directory tab's form: which users (all members, or a group's transitive members found by
// name; optionally only those without MFA), which attributes feed which method (mobilePhone on;
// businessPhones and otherMails opt-in), the default region for users without usageLocation, a
// mapping for free-text `country` values (never guessed), and add-only unless "update where it
// differs" is ticked. After a preview: the users who would depend on SMS/voice after its end date.
// Builds markup only; index.js runs the preview with `options()`.

import { h } from "../dom.js";
import { plural } from "./format.js";
import { regions } from "./regions.js";

function regionSelect(doc, settings, testid, onchange, none = "None: numbers need a country code") {
  const select = h(doc, "select", { testid, onchange });
  select.append(h(doc, "option", { value: "" }, none));
  for (const { code, name } of regions(settings.defaultRegion)) {
    select.append(h(doc, "option", { value: code }, `${name} (${code})`));
  }
  return select;
}

/**
 * `settings`: ImportSettings; `onSearch(text)` resolves to [{ id, name }];
 * `onPreview(options)` runs the preview.
 */
export function createDirectorySource({ doc, settings, onSearch, onPreview }) {
  let group = null;
  const countryRegions = {};

  const scopeAll = h(doc, "input", { type: "radio", name: "dir-scope", value: "all", testid: "dir-scope-all", checked: true, onchange: () => paint() });
  const scopeGroup = h(doc, "input", { type: "radio", name: "dir-scope", value: "group", testid: "dir-scope-group", onchange: () => paint() });
  const search = h(doc, "input", {
    type: "search",
    testid: "dir-group-search",
    placeholder: "Search groups by name",
    attrs: { "aria-label": "Search groups by name" },
    oninput: () => find(),
  });
  const results = h(doc, "ul", { className: "group-results", testid: "dir-group-results" });
  const chosen = h(doc, "span", { className: "group-chosen", testid: "dir-group-chosen" });
  const onlyMissing = h(doc, "input", { type: "checkbox", testid: "dir-only-missing" });
  const office = h(doc, "input", { type: "checkbox", testid: "dir-office" });
  const email = h(doc, "input", { type: "checkbox", testid: "dir-email" });
  const update = h(doc, "input", { type: "checkbox", testid: "dir-update-existing" });
  const region = regionSelect(doc, settings, "dir-region", () => {});
  region.value = settings.defaultRegion ?? "";
  const countries = h(doc, "div", { className: "dir-countries", testid: "dir-countries", hidden: true });
  const preview = h(doc, "button", { type: "button", className: "button primary", testid: "dir-preview", onclick: () => run() }, "Preview");
  const retirement = h(doc, "div", { className: "dir-retirement", testid: "dir-retirement", hidden: true });
  const summary = h(doc, "p", { className: "file-line", testid: "dir-summary", hidden: true });
  const groupBox = h(doc, "div", { className: "dir-group", hidden: true }, search, results, chosen);

  const check = (input, text, hint) =>
    h(doc, "label", { className: "option check" }, input, h(doc, "span", {}, text), hint ? h(doc, "span", { className: "muted hint" }, hint) : null);

  const element = h(
    doc,
    "div",
    { className: "import-directory", testid: "import-directory" },
    h(doc, "div", { className: "import-options dir-options" },
      h(doc, "fieldset", { className: "option dir-scope" },
        h(doc, "legend", { className: "option-label" }, "Users"),
        h(doc, "label", { className: "option check" }, scopeAll, h(doc, "span", {}, "All members")),
        h(doc, "label", { className: "option check" }, scopeGroup, h(doc, "span", {}, "Members of a group (nested groups too)")),
        groupBox,
        check(onlyMissing, "Only users with no MFA method yet", "from the registration report")),
      h(doc, "fieldset", { className: "option dir-attributes" },
        h(doc, "legend", { className: "option-label" }, "From each user's directory entry"),
        check(h(doc, "input", { type: "checkbox", checked: true, disabled: true, testid: "dir-mobile" }), "mobilePhone → mobile"),
        check(office, "businessPhones → office phone"),
        check(email, "otherMails → email (self-service password reset only)")),
      h(doc, "fieldset", { className: "option dir-rules" },
        h(doc, "legend", { className: "option-label" }, "Numbers and existing methods"),
        h(doc, "label", { className: "option" }, h(doc, "span", { className: "option-label" }, "Region for users without usageLocation"), region),
        countries,
        check(update, "Update methods where the directory differs", "off: add only — existing methods are never changed or removed")),
      preview),
    summary,
    retirement,
  );

  function paint() {
    groupBox.hidden = !scopeGroup.checked;
    chosen.textContent = group ? `Chosen: ${group.name}` : "No group chosen yet";
    preview.disabled = scopeGroup.checked && !group;
  }

  let searching = 0;
  async function find() {
    const mine = ++searching;
    const found = await onSearch(search.value.trim());
    if (mine !== searching) return;
    results.replaceChildren(
      ...found.map((g) =>
        h(doc, "li", {},
          h(doc, "button", {
            type: "button",
            className: "button small group-option",
            testid: "dir-group-option",
            data: { id: g.id },
            onclick: () => {
              group = g;
              results.replaceChildren();
              paint();
            },
          }, g.name)),
      ),
    );
  }

  function options() {
    return {
      scope: scopeGroup.checked && group ? { kind: "group", id: group.id, name: group.name } : { kind: "allMembers" },
      onlyMissing: Boolean(onlyMissing.checked),
      office: Boolean(office.checked),
      email: Boolean(email.checked),
      defaultRegion: region.value || null,
      updateExisting: Boolean(update.checked),
      countryRegions: { ...countryRegions },
    };
  }

  function run() {
    onPreview(options());
  }

  /** Free-text `country` values to map: one select each; a choice re-runs the preview. */
  function paintCountries(list) {
    countries.hidden = list.length === 0;
    countries.replaceChildren(
      h(doc, "span", { className: "option-label" }, "country values without usageLocation (map to use them)"),
      ...list.map(({ country, users }) => {
        const select = regionSelect(doc, settings, "dir-country-map", () => {
          if (select.value) countryRegions[country] = select.value;
          else delete countryRegions[country];
          run();
        }, "Not used");
        select.dataset.country = country;
        select.value = countryRegions[country] ?? "";
        return h(doc, "label", { className: "option" }, h(doc, "span", {}, `“${country}” (${plural(users, "user")})`), select);
      }),
    );
  }

  paint();

  return {
    element,
    options,
    /** A preview finished: `done` is DirectoryDone. */
    finish(done) {
      const left = done.alreadyRegistered ? ` · ${plural(done.alreadyRegistered, "user")} already registered for MFA left out` : "";
      summary.textContent = `${done.scopeLabel}: ${plural(done.users, "member")}, ${plural(done.rows, "row")}${left}`;
      summary.hidden = false;
      paintCountries(done.countriesToMap);
      const r = done.retirement;
      retirement.hidden = r.onlyPhone === 0 && r.unknown === 0;
      retirement.replaceChildren(...[
        h(doc, "strong", {}, `${plural(r.onlyPhone, "user")} would have only a phone for MFA.`),
        h(doc, "span", {}, ` Microsoft stops delivering SMS and voice codes on ${r.date} (unless your tenant has its own telephony provider): plan another method for them — a campaign towards Microsoft Authenticator or a passkey — rather than stopping here.`),
        r.unknown ? h(doc, "span", { className: "muted" }, ` ${plural(r.unknown, "more user")} could not be checked.`) : null,
        r.users.length
          ? h(doc, "details", { testid: "dir-retirement-users" },
              h(doc, "summary", {}, "Who"),
              h(doc, "ul", {}, r.users.map((u) => h(doc, "li", {}, u))))
          : null,
      ].filter(Boolean));
    },
    /** A new preview starts. */
    reset() {
      summary.hidden = true;
      retirement.hidden = true;
    },
    get group() {
      return group;
    },
  };
}
