import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { getAccount } from '../enrollment/accounts.js';
import { checkAccountPin } from '../enrollment/pin.js';
import { ApiError, conflict, forbidden, invalid, notFound } from '../http/errors.js';
import { afterCursor, decodeCursor, PageQuery, page, pageSchema } from '../http/pagination.js';
import { errorResponses, jsonBody, jsonResponse } from '../http/schemas.js';
import { rememberDevice } from '../risk/devices.js';
import { signAuthorization } from '../sca/authorization.js';
import type { Services } from '../services.js';
import { createTransfer, requireAccountCurrency, requireActive } from './create.js';
import { leaveAwait, refundReason } from './jobs.js';
import {
  AuthorizationInput,
  AuthorizationSchema,
  DeviceHeaders,
  IdempotencyHeaders,
  IdParam,
  TransferInput,
  TransferListQuery,
  TransferSchema,
} from './schemas.js';
import { advanceTransfer, startRefund } from './steps.js';
import { getTransfer, type TransferRow, transferView } from './transfer-row.js';

const tags = ['Transfers'];
const security = [{ userToken: [] }];

/** Transfers and SCA authorizations (SPEC: Transfers). */
export function transferRoutes(app: OpenAPIHono, services: Services) {
  const { store } = services;

  /** The transfer if the caller is one of its two parties; others learn nothing. */
  async function visible(userId: string, id: string) {
    const t = await getTransfer(store, id);
    if (!t || (t.sender_id !== userId && t.recipient_id !== userId))
      throw notFound('No such transfer.');
    return t;
  }

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/authorizations',
      tags,
      security,
      summary: 'Confirm one payment with the PIN (strong customer authentication)',
      description:
        'Returns a short-lived authorization bound to this amount, currency and payee. Five wrong PINs in a row lock the account.',
      request: { headers: DeviceHeaders, ...jsonBody(AuthorizationInput) },
      responses: {
        201: jsonResponse(AuthorizationSchema, 'The authorization'),
        ...errorResponses(400, 401, 403, 413, 415, 422, 429),
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const userId = c.var.userId;
      const account = await getAccount(store, userId);
      requireActive(account);
      // Before the PIN is tried: an authorization no transfer could use costs no attempt.
      requireAccountCurrency(account, input.amount.currency);
      if (input.payeeId === userId)
        throw invalid('recipient_invalid', 'You cannot pay yourself.', 'payeeId');
      const result = await checkAccountPin(services, userId, input.pin);
      // Frozen while the PIN waited for its turn: say so, not "too many failed attempts".
      if (result === 'frozen')
        throw forbidden('account_frozen', 'This account is frozen. Contact support.');
      if (result !== 'ok') {
        throw new ApiError(
          403,
          'authentication_error',
          result === 'locked' ? 'account_locked' : 'authentication_failed',
          result === 'locked'
            ? // Wrong PINs, or secured by its owner while this PIN waited: the way out is the same.
              'This account is locked: verify by SMS and choose a new PIN.'
            : 'Authentication failed.',
        );
      }
      await store.run('UPDATE accounts SET last_pin_at = ? WHERE user_id = ?', [
        services.now(),
        userId,
      ]);
      // The PIN on this device makes it known (the new-device rule).
      const device = c.req.valid('header')['settle-device'];
      if (device) await rememberDevice(store, userId, device, services.now());
      const authorization = await signAuthorization(services, {
        userId,
        payeeId: input.payeeId,
        amount: input.amount.value,
        currency: input.amount.currency,
        // The PIN just checked, unless it changed meanwhile: then this authorization is void.
        pinHash: account.pin_hash ?? '',
      });
      return c.json(authorization, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/transfers',
      tags,
      security,
      summary: 'Send money',
      description:
        'Requires an Idempotency-Key: a retry with the same key and body returns the same transfer; another body with that key is a 409.',
      request: { headers: IdempotencyHeaders, ...jsonBody(TransferInput) },
      responses: {
        201: jsonResponse(TransferSchema, 'The transfer, as far as it got'),
        ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const headers = c.req.valid('header');
      const { transfer } = await createTransfer(
        services,
        c.var.userId,
        headers['idempotency-key'],
        input,
        headers['settle-device'],
      );
      const now = (await advanceTransfer(services, transfer)) as TransferRow;
      return c.json(transferView(now), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/transfers/{id}',
      tags,
      security,
      summary: 'A transfer the caller sent or received',
      request: { params: IdParam },
      responses: {
        200: jsonResponse(TransferSchema, 'The transfer'),
        ...errorResponses(400, 401, 404),
      },
    }),
    async (c) => c.json(transferView(await visible(c.var.userId, c.req.valid('param').id)), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/transfers',
      tags,
      security,
      summary: 'History: the caller’s transfers, newest first',
      request: { query: PageQuery.extend(TransferListQuery.shape) },
      responses: {
        200: jsonResponse(pageSchema(TransferSchema, 'TransferPage'), 'A page'),
        ...errorResponses(400, 401),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const userId = c.var.userId;
      const cursor = afterCursor(decodeCursor(q.startingAfter));
      const conversation = q.conversationId ? ' AND conversation_id = ?' : '';
      const rows = await store.all<TransferRow>(
        `SELECT * FROM (
           SELECT * FROM transfers WHERE sender_id = ?${conversation}
           UNION SELECT * FROM transfers WHERE recipient_id = ?${conversation}
         ) AS mine WHERE 1 = 1${cursor.sql} ORDER BY created_at DESC, id DESC LIMIT ?`,
        [
          userId,
          ...(q.conversationId ? [q.conversationId] : []),
          userId,
          ...(q.conversationId ? [q.conversationId] : []),
          ...cursor.params,
          q.limit + 1,
        ],
      );
      return c.json(page(rows, q.limit, transferView), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/transfers/{id}/cancel',
      tags,
      security,
      summary: 'Cancel a transfer still waiting for its recipient; the money goes back',
      request: { params: IdParam },
      responses: {
        200: jsonResponse(TransferSchema, 'The transfer, canceled or being refunded'),
        ...errorResponses(400, 401, 404, 409, 413),
      },
    }),
    async (c) => {
      const userId = c.var.userId;
      const t = await visible(userId, c.req.valid('param').id);
      if (t.sender_id !== userId) throw notFound('No such transfer.');
      if (t.status === 'canceled') return c.json(transferView(t), 200);
      if (t.step !== 'await') {
        throw conflict(
          'transfer_not_cancelable',
          'Only transfers awaiting their recipient can be canceled.',
        );
      }
      const moved = await leaveAwait(services, t.id, (tx, row, now) =>
        startRefund(tx, row, now, refundReason(row, now, null)),
      );
      if (moved)
        return c.json(transferView((await advanceTransfer(services, moved)) ?? moved), 200);
      // Moved on meanwhile: by a simultaneous cancel or the expiry (then it is canceled), or
      // by the recipient's enrollment.
      const now = await getTransfer(services.store, t.id);
      if (now?.status === 'canceled') return c.json(transferView(now), 200);
      throw conflict('transfer_not_cancelable', 'This transfer just moved on.');
    },
  );
}
