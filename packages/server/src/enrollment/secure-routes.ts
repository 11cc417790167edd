import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { forbidden } from '../http/errors.js';
import { errorResponses, jsonResponse } from '../http/schemas.js';
import type { Services } from '../services.js';
import { lockPayer } from '../transfers/idempotency.js';
import { accountView, ensureAccount, getAccount, recordAccountUpdated } from './accounts.js';
import { AccountSchema } from './schemas.js';

/**
 * "Secure my account" (SPEC: Anti-fraud): for a user who fears their phone or PIN is in
 * someone else's hands. Every token issued so far stops working, and payments stay locked
 * until the user re-verifies by SMS and chooses a new PIN (`POST /v1/account/unlock`).
 */
export function secureRoutes(
  app: OpenAPIHono,
  services: Services,
  revocations: ReturnType<typeof revocationCheck>,
) {
  const { store } = services;
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/account/secure',
      tags: ['Enrollment'],
      security: [{ userToken: [] }],
      summary: 'Secure my account: revoke sessions, lock payments until re-verified by SMS',
      responses: {
        200: jsonResponse(AccountSchema, 'The locked account'),
        ...errorResponses(400, 401, 403, 413),
      },
    }),
    async (c) => {
      const userId = c.var.userId;
      const now = services.now();
      await store.transaction(async (tx) => {
        // A freeze of this account in progress finishes first, and is seen: otherwise its
        // unfreeze would give back `active`, and this lock would be lost.
        await lockPayer(tx, userId);
        // Refused before anything changes: a frozen account's sessions are support's call. A
        // user not enrolled yet gets a row too, to hold the revocation: money may wait for them.
        if ((await ensureAccount(tx, userId, now)).status === 'frozen')
          throw forbidden('account_frozen', 'This account is frozen. Contact support.');
        await tx.run(
          `UPDATE accounts SET status = CASE WHEN status IN ('active', 'locked') THEN 'locked' ELSE status END,
           tokens_valid_after = ?, updated_at = ? WHERE user_id = ?`,
          [now, now, userId],
        );
        // A device known through a PIN someone else may have seen is new again (SPEC: new-device
        // rule): its next payment needs the PIN chosen at the unlock.
        await tx.run('DELETE FROM known_devices WHERE user_id = ?', [userId]);
        await recordAccountUpdated(tx, userId, now, services.limits);
      });
      revocations.forget(userId);
      const account = await getAccount(store, userId);
      services.log({ event: 'account.secured', userId });
      return c.json(await accountView(store, userId, account, services.limits), 200);
    },
  );
}

/**
 * Whether a token issued at `issuedAt` (s) was revoked by "secure my account". Answers are
 * cached for a second: a revocation reaches every server process within that.
 */
export function revocationCheck(services: Services) {
  const cache = new Map<string, { validAfter: number; until: number }>();
  const validAfter = async (userId: string) => {
    const row = await services.store.get<{ tokens_valid_after: number | null }>(
      'SELECT tokens_valid_after FROM accounts WHERE user_id = ?',
      [userId],
    );
    return Number(row?.tokens_valid_after ?? 0);
  };
  // Tokens minted in the second of the revocation stay valid: `iat` has one-second steps.
  const revokedBy = (issuedAt: number, after: number) => issuedAt < Math.floor(after / 1000);
  const isRevoked = async (userId: string, issuedAt: number) => {
    const now = services.now();
    let entry = cache.get(userId);
    if (!entry || entry.until < now) {
      entry = { validAfter: await validAfter(userId), until: now + 1000 };
      if (cache.size > 100_000) cache.clear();
      cache.set(userId, entry);
    }
    return revokedBy(issuedAt, entry.validAfter);
  };
  return {
    isRevoked,
    /** Uncached, for open event streams: another process may have revoked a moment ago. */
    isRevokedNow: async (userId: string, issuedAt: number) =>
      revokedBy(issuedAt, await validAfter(userId)),
    forget: (userId: string) => cache.delete(userId),
  };
}
