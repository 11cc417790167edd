import { createRoute, type OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { Country } from '../countries.js';
import { verifyPin } from '../crypto/secrets.js';
import { conflict, forbidden, invalid, rateLimited, unprocessable } from '../http/errors.js';
import { errorResponses, jsonBody, jsonResponse } from '../http/schemas.js';
import type { Services } from '../services.js';
import { lockPayer } from '../transfers/idempotency.js';
import { releaseAwaiting } from '../transfers/jobs.js';
import {
  type AccountRow,
  accountView,
  ensureAccount,
  getAccount,
  maskPhone,
  recordAccountUpdated,
} from './accounts.js';
import { attachCard, tokenizeCard } from './card.js';
import { checkAccountPin, newPinHash } from './pin.js';
import { normalizeMobile } from './profile.js';
import {
  AccountSchema,
  CardAttachInput,
  CardTokenInput,
  CardTokenSchema,
  CodeInput,
  PinInput,
  ProfileInput,
  UnlockInput,
  VerificationSentSchema,
} from './schemas.js';
import { checkCode, sendCode } from './verification.js';

const tags = ['Enrollment'];
const security = [{ userToken: [] }];
const accountResponse = { 200: jsonResponse(AccountSchema, 'The account') };

/** A route called with a user token; answers the account unless it says otherwise. */
const route = <R extends Omit<RouteConfig, 'responses' | 'tags' | 'security'>>(
  config: R & { responses?: RouteConfig['responses'] },
) => createRoute({ tags, security, responses: accountResponse, ...config });

/** Refuses calls that make no sense in the account's state, with the step to take. */
function requireStatus(account: AccountRow, allowed: AccountRow['status'][]) {
  if (allowed.includes(account.status)) return;
  if (account.status === 'frozen') {
    throw forbidden('account_frozen', 'This account is frozen. Contact support.');
  }
  if (account.status === 'locked') {
    throw forbidden(
      'account_locked',
      'This account is locked: verify by SMS and choose a new PIN.',
    );
  }
  if (account.status === 'active')
    throw conflict('account_active', 'The account is already active.');
  throw conflict('enrollment_incomplete', 'Finish the earlier enrollment steps first.');
}

/** Enrollment, from `new` to `active` (SPEC: Account lifecycle). */
export function enrollmentRoutes(app: OpenAPIHono, services: Services) {
  const { store, now } = services;
  const view = async (userId: string) =>
    accountView(store, userId, await getAccount(store, userId), services.limits);

  app.openapi(
    route({
      method: 'get',
      path: '/v1/account',
      summary: 'The current user’s account',
      responses: { ...accountResponse, ...errorResponses(401) },
    }),
    async (c) => c.json(await view(c.var.userId), 200),
  );

  app.openapi(
    route({
      method: 'put',
      path: '/v1/account/profile',
      summary: 'Set the profile: legal name, country, mobile phone',
      request: jsonBody(ProfileInput),
      responses: { ...accountResponse, ...errorResponses(400, 401, 403, 409, 413, 415, 422) },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const phone = normalizeMobile(input.phone, input.country);
      const userId = c.var.userId;
      await store.transaction(async (tx) => {
        const account = await ensureAccount(tx, userId, now());
        requireStatus(account, ['new', 'pending_verification']);
        // A card from another country no longer fits the profile. Decided on the row as it
        // is when written, which may have been activated since it was read (PostgreSQL).
        const updated = await tx.run(
          `UPDATE accounts SET legal_name = ?, phone = ?, updated_at = ?,
             card_id = CASE WHEN country IS NULL OR country = ? THEN card_id ELSE NULL END,
             country = ?
           WHERE user_id = ? AND status IN ('new', 'pending_verification')`,
          [input.legalName, phone, now(), input.country, input.country, userId],
        );
        if (updated.changes === 0) throw accountChanged();
        await recordAccountUpdated(tx, userId, now(), services.limits);
      });
      return c.json(await view(userId), 200);
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/v1/account/card',
      summary: 'Attach the card token made by the card frame',
      request: jsonBody(CardAttachInput),
      responses: {
        ...accountResponse,
        ...errorResponses(400, 401, 403, 409, 413, 415, 422, 429),
      },
    }),
    async (c) => {
      const { token } = c.req.valid('json');
      const account = await ensureAccount(store, c.var.userId, now());
      requireStatus(account, ['new', 'pending_verification']);
      if (!account.phone) throw conflict('profile_missing', 'Set the profile first.');
      await attachCard(services, account, token);
      return c.json(await view(account.user_id), 200);
    },
  );

  app.openapi(
    route({
      method: 'put',
      path: '/v1/account/pin',
      summary: 'Choose the PIN, or change it with the current one',
      request: jsonBody(PinInput),
      responses: { ...accountResponse, ...errorResponses(400, 401, 403, 409, 413, 415, 429) },
    }),
    async (c) => {
      const { pin, currentPin } = c.req.valid('json');
      const account = await ensureAccount(store, c.var.userId, now());
      requireStatus(account, ['new', 'pending_verification', 'active']);
      if (account.status === 'active') {
        if (!currentPin) throw invalid('parameter_missing', 'Give the current PIN.', 'currentPin');
        const pinHash = await newPinHash(pin);
        const result = await checkAccountPin(services, account.user_id, currentPin);
        if (result !== 'ok') throw authenticationFailed(result);
        await store.run('UPDATE accounts SET pin_hash = ?, updated_at = ? WHERE user_id = ?', [
          pinHash,
          now(),
          account.user_id,
        ]);
        return c.json(await view(account.user_id), 200);
      }
      if (!account.card_id) throw conflict('card_missing', 'Attach a card first.');
      const pinHash = await newPinHash(pin);
      await store.transaction(async (tx) => {
        const set = await tx.run(
          `UPDATE accounts SET pin_hash = ?, status = 'pending_verification', updated_at = ?
           WHERE user_id = ? AND status IN ('new', 'pending_verification')`,
          [pinHash, now(), account.user_id],
        );
        if (set.changes > 0)
          await recordAccountUpdated(tx, account.user_id, now(), services.limits);
      });
      // The first code goes out at once; if the phone's limits hold it back, the user resends.
      if (account.status === 'new' && account.phone && account.country) {
        await sendCode(services, account.user_id, account.phone, account.country);
      }
      return c.json(await view(account.user_id), 200);
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/v1/account/verification',
      summary: 'Send a new SMS code to the profile’s phone',
      responses: {
        200: jsonResponse(VerificationSentSchema, 'A code was sent'),
        ...errorResponses(400, 401, 403, 409, 413, 429),
      },
    }),
    async (c) => {
      const account = await ensureAccount(store, c.var.userId, now());
      requireStatus(account, ['pending_verification', 'locked']);
      const phone = account.phone as string;
      const result = await sendCode(services, account.user_id, phone, account.country as Country);
      if (!result.sent) {
        const message =
          result.reason === 'resend_too_soon'
            ? 'Wait before asking for another code.'
            : 'Too many codes were sent to this phone; try again later.';
        throw rateLimited(result.reason, message, result.retryAfterMs / 1000);
      }
      return c.json(
        {
          phone: maskPhone(phone),
          expiresAt: new Date(result.expiresAt).toISOString(),
          resendAvailableAt: new Date(result.resendAvailableAt).toISOString(),
        },
        200,
      );
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/v1/account/verification/check',
      summary: 'Activate payments with the SMS code',
      request: jsonBody(CodeInput),
      responses: { ...accountResponse, ...errorResponses(400, 401, 403, 409, 413, 415) },
    }),
    async (c) => {
      const { code } = c.req.valid('json');
      const userId = c.var.userId;
      const result = await store.transaction(async (tx) => {
        const account = await ensureAccount(tx, userId, now());
        requireStatus(account, ['pending_verification']);
        const outcome = await checkCode(tx, services, userId, account.phone as string, code);
        if (outcome === 'ok') {
          // Only the account whose phone got this code, still complete: a profile change may
          // have committed since it was read (PostgreSQL). Throwing keeps the code unused.
          const activated = await tx.run(
            `UPDATE accounts SET status = 'active', verified_at = ?, pin_failures = 0, updated_at = ?
             WHERE user_id = ? AND status = 'pending_verification' AND phone = ?
             AND card_id IS NOT NULL AND pin_hash IS NOT NULL`,
            [now(), now(), userId, account.phone],
          );
          if (activated.changes === 0) throw accountChanged();
          await recordAccountUpdated(tx, userId, now(), services.limits);
        }
        return outcome;
      });
      if (result !== 'ok') throw codeRejected(result);
      // Money that waited for this person can now reach them.
      await releaseAwaiting(services, userId);
      return c.json(await view(userId), 200);
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/v1/account/unlock',
      summary: 'Unlock with an SMS code and a new PIN',
      request: jsonBody(UnlockInput),
      responses: {
        ...accountResponse,
        ...errorResponses(400, 401, 403, 409, 413, 415, 422, 429),
      },
    }),
    async (c) => {
      const { code, pin } = c.req.valid('json');
      const userId = c.var.userId;
      const pinHash = await newPinHash(pin);
      // Hashed outside the transaction (it is slow); told only to whoever has the SMS code,
      // so it reveals nothing about the old PIN to someone holding just a session.
      const before = await getAccount(store, userId);
      const samePin = before?.pin_hash ? await verifyPin(pin, before.pin_hash) : false;
      const result = await store.transaction(async (tx) => {
        // A freeze of this account in progress finishes first, and is seen: otherwise this
        // would write `active` over it.
        await lockPayer(tx, userId);
        const account = await ensureAccount(tx, userId, now());
        requireStatus(account, ['locked']);
        const outcome = await checkCode(tx, services, userId, account.phone as string, code);
        if (outcome === 'ok' && samePin && account.pin_hash === before?.pin_hash) {
          // Rolled back: the code stays valid for a try with another PIN. After "secure my
          // account", the old PIN may be what someone else knows.
          throw unprocessable('pin_unchanged', 'Choose a PIN different from your last one.', 'pin');
        }
        if (outcome === 'ok') {
          await tx.run(
            `UPDATE accounts SET status = 'active', pin_hash = ?, pin_failures = 0, updated_at = ?
             WHERE user_id = ?`,
            [pinHash, now(), userId],
          );
          await recordAccountUpdated(tx, userId, now(), services.limits);
        }
        return outcome;
      });
      if (result !== 'ok') throw codeRejected(result);
      // Money that waited for this person can now reach them.
      await releaseAwaiting(services, userId);
      return c.json(await view(userId), 200);
    },
  );
}

/** Card tokens are made by the card frame, on Settle's origin, without a user token. */
export function cardTokenRoutes(app: OpenAPIHono, services: Services) {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/card-tokens',
      summary: 'Turn a card into a single-use token (called by the card frame only)',
      tags: ['Card frame'],
      request: jsonBody(CardTokenInput),
      responses: {
        201: jsonResponse(CardTokenSchema, 'The token, with what the chat app may show'),
        ...errorResponses(400, 413, 415, 429),
      },
    }),
    async (c) => c.json(await tokenizeCard(services, c.req.valid('json')), 201),
  );
}

const accountChanged = () =>
  conflict('account_changed', 'Your account changed meanwhile: check it and try again.');

const codeRejected = (result: 'wrong' | 'expired') =>
  result === 'wrong'
    ? invalid('code_incorrect', 'That code is not right.', 'code')
    : invalid(
        'code_expired',
        'This code expired or was tried too often: ask for a new one.',
        'code',
      );

const authenticationFailed = (result: 'wrong' | 'locked' | 'frozen') =>
  result === 'frozen'
    ? forbidden('account_frozen', 'This account is frozen. Contact support.')
    : result === 'locked'
      ? forbidden('account_locked', 'This account is locked: verify by SMS and choose a new PIN.')
      : forbidden('authentication_failed', 'Authentication failed.');
