import { checkLedger } from '../ledger/check.js';
import type { Sql } from '../store/store.js';

/** How many times the sandbox network moved money of `kind` for a transfer. */
export async function sandboxCount(
  sql: Sql,
  transferId: string,
  kind: 'charge' | 'payout' | 'refund',
) {
  const row = await sql.get<{ n: number }>(
    `SELECT COUNT(*) AS n FROM sandbox_operations WHERE key = ? AND outcome = 'approved'`,
    [`${transferId}:${kind}`],
  );
  return Number(row?.n ?? 0);
}

/** Fails with the ledger's problems when an invariant is broken. */
export async function expectBalancedLedger(sql: Sql) {
  const report = await checkLedger(sql);
  if (!report.ok) throw new Error(`ledger invariants broken:\n${report.problems.join('\n')}`);
  return report;
}
