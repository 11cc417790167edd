import type { Store } from '../store/store.js';

/** Every row of every table, each as JSON, sorted: two equal snapshots mean nothing changed. */
export type Snapshot = Map<string, string[]>;

export async function snapshot(store: Store): Promise<Snapshot> {
  const tables = await store.all<{ name: string }>(
    store.dialect === 'sqlite'
      ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
      : 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name',
  );
  const result: Snapshot = new Map();
  for (const { name } of tables) {
    const rows = await store.all<Record<string, unknown>>(`SELECT * FROM ${name}`);
    result.set(name, rows.map((r) => JSON.stringify(r)).sort());
  }
  return result;
}

/** What changed from `before` to `after`: rows added (+) and removed (-), by table. */
export function changes(before: Snapshot, after: Snapshot): string[] {
  const out: string[] = [];
  for (const table of new Set([...before.keys(), ...after.keys()])) {
    const was = new Set(before.get(table) ?? []);
    const is = new Set(after.get(table) ?? []);
    for (const row of is) if (!was.has(row)) out.push(`${table} + ${row.slice(0, 300)}`);
    for (const row of was) if (!is.has(row)) out.push(`${table} - ${row.slice(0, 300)}`);
  }
  return out;
}
