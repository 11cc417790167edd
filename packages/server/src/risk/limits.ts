import { type Country, countries, type Limits } from '../countries.js';
import { unprocessable } from '../http/errors.js';
import type { Sql } from '../store/store.js';

const DAY = 24 * 3600 * 1000;

/**
 * Money the sender has committed (everything not failed or canceled) over the last 30 and
 * 7 days, in one pass over the sender's transfers.
 */
async function recentlySent(tx: Sql, userId: string, currency: string, now: number) {
  const row = await tx.get<{ in30: number | null; in7: number | null }>(
    `SELECT SUM(amount) AS in30, SUM(CASE WHEN created_at > ? THEN amount ELSE 0 END) AS in7
     FROM transfers WHERE sender_id = ? AND currency = ?
     AND created_at > ? AND status NOT IN ('failed', 'canceled')`,
    [now - 7 * DAY, userId, currency, now - 30 * DAY],
  );
  return { in30Days: Number(row?.in30 ?? 0), in7Days: Number(row?.in7 ?? 0) };
}

const format = (minor: number, currency: string) =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).format(minor / 100);

/**
 * The SPEC's limits. Callers hold the sender's lock for the whole transaction, so
 * simultaneous transfers are checked one after another and cannot jointly exceed a limit.
 */
export async function enforceLimits(
  tx: Sql,
  sender: { user_id: string; country: Country; created_at: number; verified_at: number | null },
  amount: number,
  now: number,
  all: Limits,
) {
  const { currency } = countries[sender.country];
  const limits = all[sender.country];
  const exceeded = (limit: number, what: string) =>
    unprocessable(
      'limit_exceeded',
      `This transfer would exceed the limit of ${format(limit, currency)} ${what}.`,
      'amount.value',
    );
  if (amount > limits.perTransfer) throw exceeded(limits.perTransfer, 'per transfer');
  const { in30Days, in7Days } = await recentlySent(tx, sender.user_id, currency, now);
  if (in30Days + amount > limits.rolling30Days) {
    throw exceeded(limits.rolling30Days, 'over 30 days');
  }
  // Its age counts from activation (the SMS code), not from the row a first profile made: a
  // profile left waiting does not age an account into the higher limits.
  const isNew = now - Number(sender.verified_at ?? sender.created_at) < 30 * DAY;
  if (isNew && in7Days + amount > limits.newAccount7Days) {
    throw exceeded(limits.newAccount7Days, 'over 7 days for accounts under 30 days old');
  }
}
