import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { conflict, notFound } from '../http/errors.js';
import { afterCursor, decodeCursor, PageQuery, page, pageSchema } from '../http/pagination.js';
import { errorResponses, jsonBody, jsonResponse } from '../http/schemas.js';
import type { Services } from '../services.js';
import { IdempotencyHeaders, IdParam } from '../transfers/schemas.js';
import { requestChanged } from './changes.js';
import { createRequests } from './create.js';
import { getRequest, notOpen, type RequestRow, requestView } from './request-row.js';
import { RequestGroupSchema, RequestInput, RequestListQuery, RequestSchema } from './schemas.js';

const tags = ['Requests'];
const security = [{ userToken: [] }];
/** Reading one request. */
const oneRequestErrors = errorResponses(400, 401, 404);
/** Declining or withdrawing one: a POST, so a body can be over the limit; closed is a 409. */
const closeErrors = errorResponses(400, 401, 404, 409, 413);

/** Money requests: one person, or a group split; paid through a linked transfer. */
export function requestRoutes(app: OpenAPIHono, services: Services) {
  const { store } = services;

  /** Ends an open request, if the caller is the one allowed to. */
  async function close(
    userId: string,
    id: string,
    as: 'payer' | 'requester',
    status: 'declined' | 'canceled',
  ) {
    return store.transaction(async (tx) => {
      const r = await getRequest(tx, id);
      if (!r || (r.payer_id !== userId && r.requester_id !== userId))
        throw notFound('No such request.');
      if ((as === 'payer' ? r.payer_id : r.requester_id) !== userId) {
        throw conflict('request_not_yours', `Only the ${as} can do this.`);
      }
      if (r.status === status) return r;
      if (r.status !== 'open' || r.transfer_id) throw notOpen(r);
      const now = services.now();
      // Only if still open and unpaid: a payment or the other party may have committed since
      // the read above (PostgreSQL re-checks this under the row lock).
      const closed = await tx.run(
        `UPDATE payment_requests SET status = ?, updated_at = ?
         WHERE id = ? AND status = 'open' AND transfer_id IS NULL`,
        [status, now, id],
      );
      if (closed.changes === 0) {
        const latest = (await getRequest(tx, id)) as RequestRow;
        if (latest.status === status) return latest;
        throw notOpen(latest);
      }
      const next = { ...r, status, updated_at: now };
      await requestChanged(tx, services, next);
      return next;
    });
  }

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/requests',
      tags,
      security,
      summary: 'Ask one person or a group for money',
      description:
        'Either `payers` (an amount per person) or `split` (a total split evenly, with or without yourself). Requires an Idempotency-Key.',
      request: { headers: IdempotencyHeaders, ...jsonBody(RequestInput) },
      responses: {
        201: jsonResponse(RequestGroupSchema, 'One request per payer, in the order given'),
        ...errorResponses(400, 401, 403, 409, 413, 415, 422),
      },
    }),
    async (c) => {
      const rows = await createRequests(
        services,
        c.var.userId,
        c.req.valid('header')['idempotency-key'],
        c.req.valid('json'),
      );
      return c.json({ groupId: rows[0]?.group_id as string, data: rows.map(requestView) }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/requests/{id}',
      tags,
      security,
      summary: 'A request the caller made or was asked to pay',
      request: { params: IdParam },
      responses: { 200: jsonResponse(RequestSchema, 'The request'), ...oneRequestErrors },
    }),
    async (c) => {
      const r = await getRequest(store, c.req.valid('param').id);
      const userId = c.var.userId;
      if (!r || (r.payer_id !== userId && r.requester_id !== userId))
        throw notFound('No such request.');
      return c.json(requestView(r), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/requests',
      tags,
      security,
      summary: 'Requests made by or asked of the caller, newest first',
      description: 'With `groupId`, every request of a group the caller belongs to: who has paid.',
      request: { query: PageQuery.extend(RequestListQuery.shape) },
      responses: {
        200: jsonResponse(pageSchema(RequestSchema, 'RequestPage'), 'A page'),
        ...errorResponses(400, 401),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const userId = c.var.userId;
      const cursor = afterCursor(decodeCursor(q.startingAfter));
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (q.groupId) {
        where.push(
          'group_id = ? AND EXISTS (SELECT 1 FROM payment_requests m WHERE m.group_id = ? AND (m.payer_id = ? OR m.requester_id = ?))',
        );
        params.push(q.groupId, q.groupId, userId, userId);
      } else {
        where.push('(payer_id = ? OR requester_id = ?)');
        params.push(userId, userId);
      }
      if (q.conversationId) {
        where.push('conversation_id = ?');
        params.push(q.conversationId);
      }
      const rows = await store.all<RequestRow>(
        `SELECT * FROM payment_requests WHERE ${where.join(' AND ')}${cursor.sql}
         ORDER BY created_at DESC, id DESC LIMIT ?`,
        [...params, ...cursor.params, q.limit + 1],
      );
      return c.json(page(rows, q.limit, requestView), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/requests/{id}/decline',
      tags,
      security,
      summary: 'Decline a request asked of you',
      request: { params: IdParam },
      responses: { 200: jsonResponse(RequestSchema, 'The declined request'), ...closeErrors },
    }),
    async (c) =>
      c.json(
        requestView(await close(c.var.userId, c.req.valid('param').id, 'payer', 'declined')),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/requests/{id}/cancel',
      tags,
      security,
      summary: 'Withdraw a request you made',
      request: { params: IdParam },
      responses: { 200: jsonResponse(RequestSchema, 'The canceled request'), ...closeErrors },
    }),
    async (c) =>
      c.json(
        requestView(await close(c.var.userId, c.req.valid('param').id, 'requester', 'canceled')),
        200,
      ),
  );
}
