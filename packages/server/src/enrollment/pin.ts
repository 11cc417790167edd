import { hashPin, isTrivialPin, verifyPin } from '../crypto/secrets.js';
import { invalid } from '../http/errors.js';
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

/**
 * Checks the PIN of an active account. The attempt is counted before the slow hash is
 * compared, so concurrent guesses cannot exceed the limit; the 5th failure in a row locks
 * the account, and a success resets the count.
 */
export async function checkAccountPin(
  services: Services,
  userId: string,
  pin: string,
): Promise<'ok' | 'wrong' | 'locked'> {
  const { store, now } = services;
  const row = await store.get<{ pin_hash: string }>(
    `UPDATE accounts SET pin_failures = pin_failures + 1, updated_at = ?
     WHERE user_id = ? AND status = 'active' AND pin_failures < ? AND pin_hash IS NOT NULL
     RETURNING pin_hash`,
    [now(), userId, MAX_PIN_FAILURES],
  );
  if (!row) return 'locked';
  if (await verifyPin(pin, row.pin_hash)) {
    await store.run('UPDATE accounts SET pin_failures = 0 WHERE user_id = ?', [userId]);
    return 'ok';
  }
  const locked = await store.transaction(async (tx) => {
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
