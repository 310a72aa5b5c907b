// Benchmark: the Report tab's filter time on 10,000 rows — a tile click, a search keystroke and
// a sort, each through the tab's own handler (filter + sort + render of the visible window)
// on the fake DOM. Prints median and worst of 20 runs against the 100 ms goal.
// Run: node tests/ui/bench/report-filter.mjs [rows]

import { mountReport } from "../../../ui/js/report/index.js";
import { fakeDocument } from "../fake-dom.mjs";

const N = Number(process.argv[2] ?? 10000);
const TILES = ["breaks-2027-02-01", "sms-sign-in", "no-mfa", "phone-default", "admins", "passwordless"]
  .map((name) => ({ name, label: name }));
const FIRST = ["Ana", "Bo", "Chen", "Dara", "Eli", "Femi", "Gita", "Hugo", "Ines", "Jon"];

function row(i) {
  const tiles = TILES.filter((_, t) => (i * 7 + t * 3) % (t + 3) === 0).map((t) => t.name);
  return {
    id: `id-${i}`,
    displayName: `${FIRST[i % FIRST.length]} Person${i}`,
    userPrincipalName: `person${i}@contoso.example`,
    enabled: i % 33 !== 0,
    kind: i % 50 === 0 ? "external" : "member",
    synced: i % 2 === 0,
    admin: i % 40 === 0,
    adminRoles: [],
    methods: ["Mobile phone (SMS/voice)", "Authenticator push"].slice(0, (i % 3) + 0),
    mfaCapable: true,
    defaultMethod: "SMS",
    defaultOverridden: i % 4 === 0,
    smsSignIn: i % 20 === 0,
    ssprAfterRetirement: i % 3 === 0,
    phoneOnly: tiles.includes("breaks-2027-02-01"),
    breaksOn: tiles.includes("breaks-2027-02-01") ? "2027-02-01" : null,
    breaks: "",
    tiles,
    source: "registration",
    note: null,
    lastUpdated: null,
  };
}

const doc = fakeDocument();
const root = doc.createElement("section");
let onEvent;
const api = {
  reportRun: (_source, cb) => {
    onEvent = cb;
    return new Promise(() => {});
  },
};
mountReport({ api, errors: { show() {}, clear() {} }, root, onOpenUser() {} }).shown();
onEvent({ type: "started", source: { source: "registration", reason: "" }, total: N, tiles: TILES });
onEvent({ type: "rows", rows: Array.from({ length: N }, (_, i) => row(i)), done: N, total: N });

const find = (testid) => root.findAll((n) => n.dataset?.testid === testid);
const search = find("report-search")[0];
const header = (key) => root.findAll((n) => n.dataset?.sort === key)[0];

function time(what, action) {
  const runs = [];
  for (let i = 0; i < 20; i++) {
    const t = process.hrtime.bigint();
    action(i);
    runs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  runs.sort((a, b) => a - b);
  const median = runs[Math.floor(runs.length / 2)];
  const worst = runs[runs.length - 1];
  console.log(`${what.padEnd(28)} median ${median.toFixed(1).padStart(6)} ms   worst ${worst.toFixed(1).padStart(6)} ms   (goal < 100 ms)`);
}

console.log(`${N} rows; ${find("report-row").length} rows in the DOM window`);
time("tile click (on/off)", () => find("report-tile")[0].dispatch("click"));
time("search keystroke", (i) => {
  search.value = ["a", "an", "ana", "ana p", "person1", ""][i % 6];
  search.dispatch("input");
});
time("sort by name (asc/desc)", () => header("name").dispatch("click"));
