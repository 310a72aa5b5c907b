// The report table's view model: which rows show (tile, search) and in which order. Rows come
// from Rust ready to show (ReportRowInfo); every rule that decides a tile or a date is Rust's —
// here only matching text, picking rows by the tile names Rust put on them, and sorting.

/** Lower-cased text a search matches: name and UPN. Computed once per row. */
export function searchKey(row) {
  return `${row.displayName}\u0000${row.userPrincipalName}`.toLowerCase();
}

const SORTS = {
  name: (r) => r.displayName.toLowerCase(),
  upn: (r) => r.userPrincipalName.toLowerCase(),
  breaks: (r) => r.breaksOn ?? "9999",
  kind: (r) => r.kind,
  methods: (r) => (r.methods ?? []).length,
  source: (r) => r.source,
  mfa: (r) => r.perUserMfa ?? "~",
};

export const SORT_KEYS = Object.keys(SORTS);

/**
 * Indexes of `rows` to show, in order: rows in tile `tile` (null: all) whose name or UPN
 * contains `query`, sorted by `sort` ({ key, dir: 1 | -1 }). `keys[i]` is searchKey(rows[i]).
 */
export function visibleRows(rows, keys, { tile = null, query = "", sort = null } = {}) {
  const q = query.trim().toLowerCase();
  const out = [];
  for (let i = 0; i < rows.length; i++) {
    if (tile && !rows[i].tiles.includes(tile)) continue;
    if (q && !keys[i].includes(q)) continue;
    out.push(i);
  }
  const by = sort && SORTS[sort.key];
  if (by) {
    const values = new Map(out.map((i) => [i, by(rows[i])]));
    out.sort((a, b) => {
      const x = values.get(a);
      const y = values.get(b);
      return (x < y ? -1 : x > y ? 1 : a - b) * (sort.dir || 1);
    });
  }
  return out;
}

/** How many rows each tile holds: { tileName: count }. */
export function tileCounts(rows, tiles) {
  const counts = Object.fromEntries(tiles.map((t) => [t.name, 0]));
  for (const r of rows) for (const t of r.tiles) if (t in counts) counts[t] += 1;
  return counts;
}

/** The rows `first..first+count` of a virtual list of `total`, with a margin either side. */
export function windowOf(scrollTop, height, rowHeight, total, margin = 8) {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - margin);
  const last = Math.min(total, Math.ceil((scrollTop + height) / rowHeight) + margin);
  return { first, last };
}
