import { createHash } from 'node:crypto';
import { ApiError } from '../http/errors.js';
import type { Sql } from '../store/store.js';

/** Keys are kept at least this long (SPEC: 24 h); the jobs purge older ones. */
export const IDEMPOTENCY_TTL_MS = 48 * 3600 * 1000;

export const requestHash = (route: string, body: unknown) =>
  createHash('sha256').update(route).update('\n').update(JSON.stringify(body)).digest('base64url');

/**
 * Takes the lock every money-moving POST of `userId` takes first, for the rest of the
 * transaction: their Idempotency-Keys share one table (a key sent to two routes at once must
 * be refused once, not collide), a user's transfers are checked against limits one at a
 * time, and a freeze of the user waits for them (or they see it). "Secure my account" and
 * the unlock take it too, so that a freeze and they never overwrite each other's status; so
 * does a payout to the user (`recipientState`), so that none reaches an account being frozen.
 */
export const lockPayer = (tx: Sql, userId: string) => tx.lock(`payer:${userId}`);

/**
 * The resource an earlier request with this key created, or undefined for a new key. The
 * same key with another body is refused: it is a client bug, and guessing would be unsafe.
 */
export async function replayOf(tx: Sql, userId: string, key: string, hash: string) {
  const row = await tx.get<{ request_hash: string; resource_id: string }>(
    'SELECT request_hash, resource_id FROM idempotency_keys WHERE user_id = ? AND key = ?',
    [userId, key],
  );
  if (!row) return undefined;
  if (row.request_hash !== hash) {
    throw new ApiError(
      409,
      'idempotency_error',
      'idempotency_error',
      'This Idempotency-Key was used with another request. Use a new key for a new payment.',
      'Idempotency-Key',
    );
  }
  return row.resource_id;
}

export const rememberKey = (
  tx: Sql,
  userId: string,
  key: string,
  hash: string,
  resourceId: string,
  now: number,
) =>
  tx.run(
    'INSERT INTO idempotency_keys (user_id, key, request_hash, resource_id, created_at) VALUES (?, ?, ?, ?, ?)',
    [userId, key, hash, resourceId, now],
  );
