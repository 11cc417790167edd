import { setTimeout as sleep } from 'node:timers/promises';
import { hashPin, isTrivialPin, verifyPin } from '../crypto/secrets.js';
import { invalid, rateLimited } from '../http/errors.js';
import type { Services } from '../services.js';
import { recordAccountUpdated } from './accounts.js';

export const MAX_PIN_FAILURES = 5;

/** A PIN the rules accept (SPEC: 4 to 6 digits, not trivial), hashed with scrypt. */
export async function newPinHash(pin: string): Promise<string> {
  if (isTrivialPin(pin)) {
    throw invalid(
      'pin_too_simple',
      'Choose a PIN that is not a sequence or one repeated digit.',
      'pin',
    );
  }
  return hashPin(pin);
}

/** Longer than any PIN hash takes: a check that crashed frees its account after this. */
const CHECK_LEASE_MS = 10_000;
/** How long a check waits for another one of the same account: 100 x 30 ms. */
const WAITS = 100;
const WAIT_MS = 30;

/**
 * Takes the account's one PIN check, waiting for a running one; or says why the account takes
 * no PIN now: frozen by the platform (perhaps while this check waited), or else locked.
 */
async function takeCheck(
  services: Services,
  userId: string,
): Promise<{ pin_hash: string } | 'locked' | 'frozen'> {
  const { store, now } = services;
  for (let waits = 0; ; waits++) {
    const t = now();
    const row = await store.get<{ pin_hash: string }>(
      `UPDATE accounts SET pin_check_until = ?
       WHERE user_id = ? AND status = 'active' AND pin_failures < ? AND pin_hash IS NOT NULL
       AND (pin_check_until IS NULL OR pin_check_until <= ?)
       RETURNING pin_hash`,
      [t + CHECK_LEASE_MS, userId, MAX_PIN_FAILURES, t],
    );
    if (row) return row;
    const account = await store.get<{ status: string; open: number }>(
      `SELECT status, CASE WHEN status = 'active' AND pin_failures < ? AND pin_hash IS NOT NULL
       THEN 1 ELSE 0 END AS open FROM accounts WHERE user_id = ?`,
      [MAX_PIN_FAILURES, userId],
    );
    if (account?.status === 'frozen') return 'frozen';
    if (Number(account?.open ?? 0) !== 1) return 'locked';
    if (waits === WAITS) {
      throw rateLimited(
        'pin_check_in_progress',
        'Another PIN check for this account is still running: try again in a moment.',
        1,
      );
    }
    await sleep(WAIT_MS);
  }
}

/**
 * Checks the PIN of an active account. Checks of one account run one at a time (others
 * wait their turn), so concurrent guesses cannot exceed the limit and every outcome counts
 * exactly: the 5th failure in a row locks the account, a success resets the count.
 */
export async function checkAccountPin(
  services: Services,
  userId: string,
  pin: string,
): Promise<'ok' | 'wrong' | 'locked' | 'frozen'> {
  const { store, now } = services;
  const row = await takeCheck(services, userId);
  if (typeof row === 'string') return row;
  if (await verifyPin(pin, row.pin_hash)) {
    await store.run(
      'UPDATE accounts SET pin_failures = 0, pin_check_until = NULL WHERE user_id = ?',
      [userId],
    );
    return 'ok';
  }
  const locked = await store.transaction(async (tx) => {
    await tx.run(
      `UPDATE accounts SET pin_failures = pin_failures + 1, pin_check_until = NULL, updated_at = ?
       WHERE user_id = ?`,
      [now(), userId],
    );
    const result = await tx.run(
      `UPDATE accounts SET status = 'locked', updated_at = ?
       WHERE user_id = ? AND status = 'active' AND pin_failures >= ?`,
      [now(), userId, MAX_PIN_FAILURES],
    );
    if (result.changes > 0) await recordAccountUpdated(tx, userId, now(), services.limits);
    return result;
  });
  if (locked.changes > 0) services.log({ event: 'account.locked', userId, reason: 'pin_failures' });
  return locked.changes > 0 ? 'locked' : 'wrong';
}
