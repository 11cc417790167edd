import { type Country, countries, type Limits } from '../countries.js';
import type { Sql } from '../store/store.js';

const DAY = 24 * 3600 * 1000;

/**
 * Money the sender has committed (everything not failed or canceled) over the last 30 and 7
 * days, but for one transfer. A transfer counts from its creation, or once approved after a
 * hold for review, from its approval: its money moved then, and a hold approved late must not
 * leave the window early. While held it counts from its creation, so holds cannot be used to
 * get around the limits.
 *
 * The transfers counted from their creation are summed from the sender's covering index alone,
 * then the approved ones (through their own index; `+created_at` keeps the planner on it) and
 * the one left out (by id) are taken back out: reading each summed row from the table cost a
 * page read per transfer the sender made in 30 days.
 */
export const recentlySentSql = `SELECT SUM(amount) AS in30,
  SUM(CASE WHEN counted_at > ? THEN amount ELSE 0 END) AS in7
  FROM (
    SELECT created_at AS counted_at, amount FROM transfers
    WHERE sender_id = ? AND currency = ? AND created_at > ?
      AND status NOT IN ('failed', 'canceled')
    UNION ALL
    SELECT created_at, -amount FROM transfers
    WHERE sender_id = ? AND approved_at IS NOT NULL AND currency = ? AND +created_at > ?
      AND status NOT IN ('failed', 'canceled')
    UNION ALL
    SELECT created_at, -amount FROM transfers
    WHERE id = ? AND sender_id = ? AND currency = ? AND created_at > ? AND approved_at IS NULL
      AND status NOT IN ('failed', 'canceled')
    UNION ALL
    SELECT approved_at, amount FROM transfers
    WHERE sender_id = ? AND currency = ? AND approved_at > ?
      AND status NOT IN ('failed', 'canceled') AND id <> ?
  ) AS counted`;

/** The parameters of `recentlySentSql`. */
export const recentlySentParams = (
  userId: string,
  currency: string,
  now: number,
  excluding: string,
) => {
  const since = now - 30 * DAY;
  const window = [userId, currency, since];
  return [now - 7 * DAY, ...window, ...window, excluding, ...window, ...window, excluding];
};

/** What the sender has committed over the last 30 and 7 days, but for `excluding`. */
async function recentlySent(
  tx: Sql,
  userId: string,
  currency: string,
  now: number,
  excluding: string,
) {
  const row = await tx.get<{ in30: number | null; in7: number | null }>(
    recentlySentSql,
    recentlySentParams(userId, currency, now, excluding),
  );
  return { in30Days: Number(row?.in30 ?? 0), in7Days: Number(row?.in7 ?? 0) };
}

const format = (minor: number, currency: string) =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).format(minor / 100);

/**
 * Which of the SPEC's limits `amount` sent `now` would exceed, as "the limit of €1,500.00
 * over 30 days", or undefined. Callers hold the sender's lock for the whole transaction, so
 * simultaneous transfers are checked one after another and cannot jointly exceed a limit.
 * `excluding` is a transfer that `amount` stands for (one held for review, checked again when
 * approved), so that it is not counted twice.
 */
export async function exceededLimit(
  tx: Sql,
  sender: { user_id: string; country: Country; created_at: number; verified_at: number | null },
  amount: number,
  now: number,
  all: Limits,
  excluding = '',
): Promise<string | undefined> {
  const { currency } = countries[sender.country];
  const limits = all[sender.country];
  const limit = (value: number, what: string) => `the limit of ${format(value, currency)} ${what}`;
  if (amount > limits.perTransfer) return limit(limits.perTransfer, 'per transfer');
  const { in30Days, in7Days } = await recentlySent(tx, sender.user_id, currency, now, excluding);
  if (in30Days + amount > limits.rolling30Days) return limit(limits.rolling30Days, 'over 30 days');
  // Its age counts from activation (the SMS code), not from the row a first profile made: a
  // profile left waiting does not age an account into the higher limits.
  const isNew = now - Number(sender.verified_at ?? sender.created_at) < 30 * DAY;
  if (isNew && in7Days + amount > limits.newAccount7Days) {
    return limit(limits.newAccount7Days, 'over 7 days for accounts under 30 days old');
  }
  return undefined;
}
