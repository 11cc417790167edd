import type { Sql } from '../store/store.js';

export interface LedgerReport {
  ok: boolean;
  movements: number;
  entries: number;
  problems: string[];
}

/**
 * The ledger's invariants, checkable by anyone at any time (`settle check`, the admin API):
 * every movement's entries sum to zero per phase and currency, so the whole ledger does;
 * resolved movements hold no pending amount; each movement has exactly the entries its state
 * implies; no clearing account is negative; and every completed transfer posted its money
 * in and out while every failed or canceled one left nothing behind.
 */
export async function checkLedger(sql: Sql): Promise<LedgerReport> {
  const problems: string[] = [];
  const count = async (q: string) => Number((await sql.get<{ n: number }>(q))?.n ?? 0);

  const unbalanced = await sql.all<{ movement_id: string }>(
    `SELECT movement_id FROM ledger_entries GROUP BY movement_id, phase, currency
     HAVING SUM(amount) <> 0 LIMIT 20`,
  );
  for (const r of unbalanced)
    problems.push(`movement ${r.movement_id}: entries do not sum to zero`);

  const badShape = await sql.all<{ id: string; state: string; n: number }>(
    `SELECT m.id, m.state, COUNT(e.seq) AS n FROM ledger_movements m
     LEFT JOIN ledger_entries e ON e.movement_id = m.id GROUP BY m.id, m.state
     HAVING COUNT(e.seq) <> CASE m.state WHEN 'pending' THEN 2 WHEN 'voided' THEN 4 ELSE 6 END
     LIMIT 20`,
  );
  for (const r of badShape) problems.push(`movement ${r.id} (${r.state}) has ${r.n} entries`);

  const negative = await sql.all<{ account: string; total: number }>(
    `SELECT account, SUM(amount) AS total FROM ledger_entries
     WHERE account LIKE 'clearing:%' AND phase = 'posted' GROUP BY account HAVING SUM(amount) < 0`,
  );
  for (const r of negative) problems.push(`${r.account} is negative (${r.total})`);

  // Net effect of each final transfer: completed moved its amount card to card; failed and
  // canceled ones moved nothing (a refund undoes a charge). One pass over the ledger, grouped
  // by transfer: a lookup per transfer was quadratic on PostgreSQL, whose planner scanned every
  // posted entry for each one.
  const wrongOutcome = await sql.all<{ id: string; status: string }>(
    `SELECT t.id, t.status FROM transfers t
     LEFT JOIN (
       SELECT m.transfer_id,
         SUM(CASE WHEN e.phase = 'posted' AND e.account LIKE 'payout:%' THEN e.amount ELSE 0 END) AS paid_out,
         SUM(CASE WHEN e.phase = 'posted' AND e.account LIKE 'clearing:%' THEN e.amount ELSE 0 END) AS held,
         MAX(CASE WHEN m.state = 'pending' THEN 1 ELSE 0 END) AS pending
       FROM ledger_movements m LEFT JOIN ledger_entries e ON e.movement_id = m.id
       GROUP BY m.transfer_id
     ) x ON x.transfer_id = t.id
     WHERE t.step = 'done' AND (
       COALESCE(x.paid_out, 0) <> CASE t.status WHEN 'completed' THEN t.amount ELSE 0 END
       OR COALESCE(x.held, 0) <> 0
       OR COALESCE(x.pending, 0) = 1)
     LIMIT 20`,
  );
  for (const r of wrongOutcome)
    problems.push(`transfer ${r.id} (${r.status}) left money in the wrong place`);

  const total = await sql.get<{ total: number | null }>(
    'SELECT SUM(amount) AS total FROM ledger_entries',
  );
  if (Number(total?.total ?? 0) !== 0)
    problems.push(`all entries sum to ${total?.total}, not zero`);

  return {
    ok: problems.length === 0,
    movements: await count('SELECT COUNT(*) AS n FROM ledger_movements'),
    entries: await count('SELECT COUNT(*) AS n FROM ledger_entries'),
    problems,
  };
}
