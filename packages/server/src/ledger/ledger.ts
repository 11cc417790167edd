import type { Sql } from '../store/store.js';

/**
 * The ledger's accounts, per currency. Money enters from a user's card (`funding`), waits in
 * `clearing` while in flight or held for a recipient, and leaves to a user's card (`payout`).
 */
export const ledgerAccount = {
  funding: (userId: string, currency: string) => `funding:${currency}:${userId}`,
  payout: (userId: string, currency: string) => `payout:${currency}:${userId}`,
  clearing: (currency: string) => `clearing:${currency}`,
};

export type MovementState = 'pending' | 'posted' | 'voided';

export interface Movement {
  id: string;
  transferId: string;
  debit: string;
  credit: string;
  amount: number;
  currency: string;
}

type Entry = [seq: number, account: string, phase: 'pending' | 'posted', amount: number];

/** Appends a movement's entries in one statement (they are written together or not at all). */
const addEntries = (tx: Sql, movementId: string, currency: string, now: number, entries: Entry[]) =>
  tx.run(
    `INSERT INTO ledger_entries (movement_id, seq, account, phase, amount, currency, created_at)
     VALUES ${entries.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    entries.flatMap(([seq, account, phase, amount]) => [
      movementId,
      seq,
      account,
      phase,
      amount,
      currency,
      now,
    ]),
  );

/**
 * Reserves a movement: two pending entries that sum to zero. Creating the same movement id
 * twice is a no-op, so a resumed step cannot reserve twice.
 */
export async function reserve(tx: Sql, m: Movement, now: number): Promise<void> {
  if (!Number.isSafeInteger(m.amount) || m.amount <= 0) {
    throw new Error('ledger amounts are positive integers');
  }
  const created = await tx.run(
    `INSERT INTO ledger_movements (id, transfer_id, debit_account, credit_account, amount, currency, state, created_at)
     VALUES (?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (id) DO NOTHING`,
    [m.id, m.transferId, m.debit, m.credit, m.amount, m.currency, now],
  );
  if (created.changes === 0) return;
  await addEntries(tx, m.id, m.currency, now, [
    [1, m.debit, 'pending', -m.amount],
    [2, m.credit, 'pending', m.amount],
  ]);
}

/**
 * Ends a pending movement: `posted` releases the reservation and books it for good, `voided`
 * only releases it. Entries are never changed, only added. Returns false when the movement
 * was not pending (already resolved), so callers can resolve idempotently.
 */
export async function resolve(
  tx: Sql,
  movementId: string,
  state: 'posted' | 'voided',
  now: number,
): Promise<boolean> {
  const m = await tx.get<{
    debit_account: string;
    credit_account: string;
    amount: number;
    currency: string;
  }>(
    `UPDATE ledger_movements SET state = ?, resolved_at = ? WHERE id = ? AND state = 'pending'
     RETURNING debit_account, credit_account, amount, currency`,
    [state, now, movementId],
  );
  if (!m) return false;
  const amount = Number(m.amount);
  // Releasing the reservation; posting also books the amount for good.
  const entries: Entry[] = [
    [3, m.debit_account, 'pending', amount],
    [4, m.credit_account, 'pending', -amount],
  ];
  if (state === 'posted') {
    entries.push([5, m.debit_account, 'posted', -amount], [6, m.credit_account, 'posted', amount]);
  }
  await addEntries(tx, movementId, m.currency, now, entries);
  return true;
}
