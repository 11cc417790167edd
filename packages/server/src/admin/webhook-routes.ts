import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { conflict, invalid, notFound } from '../http/errors.js';
import { PageQuery, pageSchema } from '../http/pagination.js';
import { adminErrorResponses, jsonBody, jsonResponse } from '../http/schemas.js';
import type { Services } from '../services.js';

const tags = ['Admin'];
const security = [{ platformKey: [] }];
const STATUSES = ['pending', 'delivered', 'failed'] as const;

interface OutboxRow {
  id: string;
  payload: string;
  attempts: number;
  next_attempt_at: number;
  delivered_at: number | null;
  failed_at: number | null;
  last_error: string | null;
  created_at: number;
}

const WebhookMessageSchema = z
  .object({
    id: z.string().openapi({ description: 'The event id, sent as `webhook-id`' }),
    type: z.string().openapi({ example: 'transfer.updated' }),
    status: z.enum(STATUSES),
    attempts: z.number().int(),
    lastError: z
      .string()
      .nullable()
      .openapi({ description: 'Why the last attempt failed: `HTTP 500`, `TimeoutError`, …' }),
    createdAt: z.string(),
    nextAttemptAt: z.string().nullable().openapi({ description: 'While pending' }),
    deliveredAt: z.string().nullable(),
    failedAt: z.string().nullable().openapi({ description: 'When Settle gave up' }),
  })
  .openapi('WebhookMessage');

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

const statusOf = (row: OutboxRow): (typeof STATUSES)[number] =>
  row.delivered_at !== null ? 'delivered' : row.failed_at !== null ? 'failed' : 'pending';

const messageView = (row: OutboxRow) => {
  const status = statusOf(row);
  return {
    id: row.id,
    type: String(JSON.parse(row.payload).type),
    status,
    attempts: Number(row.attempts),
    lastError: row.last_error,
    createdAt: iso(row.created_at) as string,
    nextAttemptAt: status === 'pending' ? iso(row.next_attempt_at) : null,
    deliveredAt: iso(row.delivered_at),
    failedAt: iso(row.failed_at),
  };
};

const WHERE_STATUS = {
  pending: 'delivered_at IS NULL AND failed_at IS NULL',
  delivered: 'delivered_at IS NOT NULL',
  failed: 'failed_at IS NOT NULL',
};

// Due now, with a fresh schedule of retries. A message in an attempt at this moment may be
// sent twice: deliveries are at least once, and receivers deduplicate on `webhook-id`.
const RESCHEDULE = `UPDATE webhook_outbox
  SET attempts = 0, next_attempt_at = ?, delivered_at = NULL, failed_at = NULL, last_error = NULL`;

const webhooksOff = () =>
  conflict(
    'webhooks_off',
    'No webhook URL is set (SETTLE_WEBHOOK_URL): there is nowhere to send messages again.',
  );

/**
 * The webhook outbox for the platform's operators: what was delivered, what is waiting, what
 * Settle gave up on (after about 24 hours of failures), and sending messages again, e.g.
 * once a receiver that was down for longer is back. Messages are kept 7 days.
 */
export function webhookAdminRoutes(
  app: OpenAPIHono,
  { store, now }: Services,
  { webhooksOn }: { webhooksOn: boolean },
) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/webhooks',
      tags,
      security,
      summary: 'Webhook messages of the last 7 days, newest first',
      request: { query: PageQuery.extend({ status: z.enum(STATUSES).optional() }) },
      responses: {
        200: jsonResponse(pageSchema(WebhookMessageSchema, 'WebhookMessagePage'), 'A page'),
        ...adminErrorResponses(400),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      // Event ids are time-ordered (ULIDs): the primary key gives the order and the cursor.
      const after = q.startingAfter;
      if (after !== undefined && !/^ev_[0-9A-Z]{26}$/.test(after)) {
        throw invalid(
          'cursor_invalid',
          'startingAfter is not a cursor from this API.',
          'startingAfter',
        );
      }
      const rows = await store.all<OutboxRow>(
        `SELECT * FROM webhook_outbox WHERE ${q.status ? WHERE_STATUS[q.status] : '1 = 1'}
         ${after ? 'AND id < ?' : ''} ORDER BY id DESC LIMIT ?`,
        [...(after ? [after] : []), q.limit + 1],
      );
      const data = rows.slice(0, q.limit).map(messageView);
      const hasMore = rows.length > q.limit;
      return c.json({ data, hasMore, nextCursor: hasMore ? (data.at(-1)?.id ?? null) : null }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/webhooks/{id}/retry',
      tags,
      security,
      summary: 'Send one message again now, with a fresh schedule of retries',
      request: { params: z.object({ id: z.string().max(64) }) },
      responses: {
        200: jsonResponse(WebhookMessageSchema, 'The message, pending'),
        ...adminErrorResponses(400, 404, 409, 413),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      if (!webhooksOn) throw webhooksOff();
      const row = await store.get<OutboxRow>(`${RESCHEDULE} WHERE id = ? RETURNING *`, [now(), id]);
      if (!row) throw notFound('No such webhook message (they are kept 7 days).');
      return c.json(messageView(row), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/webhooks/retry-failed',
      tags,
      security,
      summary: 'Send again every message Settle gave up on (optionally: created since a date)',
      request: {
        ...jsonBody(
          z
            .strictObject({
              since: z.iso
                .datetime({ offset: true })
                .optional()
                .openapi({ description: 'Only messages created at or after this time' }),
            })
            .openapi('WebhookRetryRequest'),
        ),
      },
      responses: {
        200: jsonResponse(
          z.object({ scheduled: z.number().int() }).openapi('WebhookRetryResult'),
          'How many messages are due again',
        ),
        ...adminErrorResponses(400, 409, 413, 415),
      },
    }),
    async (c) => {
      const { since } = c.req.valid('json');
      if (!webhooksOn) throw webhooksOff();
      const { changes } = await store.run(
        `${RESCHEDULE} WHERE failed_at IS NOT NULL AND created_at >= ?`,
        [now(), since ? Date.parse(since) : 0],
      );
      return c.json({ scheduled: changes }, 200);
    },
  );
}
