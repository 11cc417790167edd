import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { accountView, getAccount, recordAccountUpdated } from '../enrollment/accounts.js';
import { AccountSchema } from '../enrollment/schemas.js';
import { conflict, notFound } from '../http/errors.js';
import { afterCursor, decodeCursor, PageQuery, page, pageSchema } from '../http/pagination.js';
import { adminErrorResponses, jsonBody, jsonResponse } from '../http/schemas.js';
import { exceededLimit } from '../risk/limits.js';
import type { Services } from '../services.js';
import { transferChanged } from '../transfers/changes.js';
import { reserveCharge } from '../transfers/create.js';
import { lockPayer } from '../transfers/idempotency.js';
import { releaseAwaiting } from '../transfers/jobs.js';
import { advanceTransfer } from '../transfers/steps.js';
import { getTransfer, lockTransfer } from '../transfers/transfer-row.js';

const tags = ['Admin'];
const security = [{ platformKey: [] }];

interface FlagRow {
  id: string;
  user_id: string;
  transfer_id: string | null;
  rule: string;
  outcome: string;
  status: string;
  created_at: number;
  resolved_at: number | null;
}

const FlagSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    transferId: z.string().nullable(),
    rule: z.string().openapi({ example: 'large_to_new_recipient' }),
    outcome: z.enum(['review', 'block']),
    status: z.enum(['open', 'approved', 'rejected', 'closed']),
    createdAt: z.string(),
    resolvedAt: z.string().nullable(),
  })
  .openapi('Flag');

const flagView = (f: FlagRow) => ({
  id: f.id,
  userId: f.user_id,
  transferId: f.transfer_id,
  rule: f.rule,
  outcome: f.outcome as 'review' | 'block',
  status: f.status as 'open',
  createdAt: new Date(Number(f.created_at)).toISOString(),
  resolvedAt: f.resolved_at === null ? null : new Date(Number(f.resolved_at)).toISOString(),
});

const UserParam = z.object({ userId: z.string().min(1).max(255) });
const FlagParam = z.object({ id: z.string().max(64) });

/** Anti-fraud tools for the platform: flags to review, frozen accounts. */
export function riskAdminRoutes(app: OpenAPIHono, services: Services) {
  const { store } = services;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/flags',
      tags,
      security,
      summary: 'Anti-fraud flags, newest first',
      request: {
        query: PageQuery.extend({
          status: z.enum(['open', 'approved', 'rejected', 'closed']).optional(),
        }),
      },
      responses: {
        200: jsonResponse(pageSchema(FlagSchema, 'FlagPage'), 'A page'),
        ...adminErrorResponses(400),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const cursor = afterCursor(decodeCursor(q.startingAfter));
      const rows = await store.all<FlagRow>(
        `SELECT * FROM risk_flags WHERE (? = '' OR status = ?)${cursor.sql} ORDER BY created_at DESC, id DESC LIMIT ?`,
        [q.status ?? '', q.status ?? '', ...cursor.params, q.limit + 1],
      );
      return c.json(page(rows, q.limit, flagView), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/flags/{id}/resolve',
      tags,
      security,
      summary: 'Approve or reject a transfer held for review',
      description:
        'Approving a `review` flag lets its transfer go on: the sender is charged and the recipient paid. Rejecting it fails the transfer (`risk_blocked`); no money moved. A `block` flag’s transfer failed when it was made: it can only be rejected, which closes the flag, and approving it is `409 transfer_blocked` (the sender must send again).',
      request: {
        params: FlagParam,
        ...jsonBody(z.strictObject({ decision: z.enum(['approve', 'reject']) })),
      },
      responses: {
        200: jsonResponse(FlagSchema, 'The resolved flag'),
        ...adminErrorResponses(400, 404, 409, 413, 415),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { decision } = c.req.valid('json');
      const flag = await store.transaction(async (tx) => {
        const now = services.now();
        const status = decision === 'approve' ? 'approved' : 'rejected';
        // Resolved first, only if still open: of two decisions at once, one finds it taken.
        const f = await tx.get<FlagRow>(
          `UPDATE risk_flags SET status = ?, resolved_at = ? WHERE id = ? AND status = 'open'
           RETURNING *`,
          [status, now, id],
        );
        if (!f) {
          const seen = await tx.get<FlagRow>('SELECT * FROM risk_flags WHERE id = ?', [id]);
          if (!seen) throw notFound('No such flag.');
          throw conflict('flag_resolved', `This flag is already ${seen.status}.`);
        }
        // A blocked transfer failed at once and moved no money: nothing is left to approve, and
        // a 200 "approved" would read as "the payment went through" (a Radar review's approve
        // lets its payment through). The flag stays open until rejected.
        if (decision === 'approve' && f.outcome === 'block') {
          throw conflict(
            'transfer_blocked',
            'This transfer was blocked, not held: it failed and no money moved, so it cannot be approved. The sender must send it again. Reject the flag to close it.',
          );
        }
        if (f.transfer_id) await lockTransfer(tx, f.transfer_id);
        const t = f.transfer_id ? await getTransfer(tx, f.transfer_id) : undefined;
        if (decision === 'approve' && t?.step === 'review') {
          // The locks a freeze takes, in a fixed order so two approvals cannot deadlock: a
          // freeze of either party in progress is seen, not raced. No money has moved yet, so
          // approving it now would move money to or from a frozen account.
          for (const party of [t.sender_id, t.recipient_id].sort()) await lockPayer(tx, party);
          const sender = await getAccount(tx, t.sender_id);
          const recipient = await getAccount(tx, t.recipient_id);
          for (const [account, role] of [
            [sender, 'sender'],
            [recipient, 'recipient'],
          ] as const) {
            if (account?.status === 'frozen') {
              throw conflict(
                'account_frozen',
                `The ${role}’s account is frozen: unfreeze it first, or reject the transfer.`,
              );
            }
          }
          // Locked since: its owner secured it (the payment may come from a stolen phone), or
          // wrong PINs. Payments wait for the SMS and the new PIN, this one too.
          if (sender?.status === 'locked') {
            throw conflict(
              'account_locked',
              'The sender’s account is locked until they verify by SMS: reject the transfer, or approve it once they have.',
            );
          }
          // Its money moves now: checked against what the sender sent meanwhile, or a hold
          // approved late would add to a month that has already reached the limit.
          const country = sender?.country;
          const limit =
            sender &&
            country &&
            (await exceededLimit(
              tx,
              { ...sender, country },
              Number(t.amount),
              now,
              services.limits,
              t.id,
            ));
          if (limit) {
            throw conflict(
              'limit_exceeded',
              `Approving it now would take the sender past ${limit}: reject it.`,
            );
          }
        }
        if (t?.step === 'review') {
          const next =
            decision === 'approve'
              ? { ...t, step: 'charge' as const, updated_at: now, approved_at: now }
              : {
                  ...t,
                  step: 'done' as const,
                  status: 'failed' as const,
                  failure_reason: 'risk_blocked',
                  updated_at: now,
                };
          await tx.run(
            `UPDATE transfers SET step = ?, status = ?, failure_reason = ?, updated_at = ?,
             approved_at = ? WHERE id = ? AND step = 'review'`,
            [next.step, next.status, next.failure_reason, now, next.approved_at, t.id],
          );
          if (decision === 'approve') await reserveCharge(tx, next, now);
          await transferChanged(tx, services, next, t);
        }
        return f;
      });
      if (decision === 'approve' && flag.transfer_id)
        await advanceTransfer(services, flag.transfer_id);
      return c.json(flagView(flag), 200);
    },
  );

  for (const action of ['freeze', 'unfreeze'] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/v1/admin/accounts/{userId}/${action}`,
        tags,
        security,
        summary: action === 'freeze' ? 'Freeze an account: no money moves' : 'Unfreeze an account',
        request: { params: UserParam },
        responses: {
          200: jsonResponse(AccountSchema, 'The account'),
          ...adminErrorResponses(400, 404, 413),
        },
      }),
      async (c) => {
        const { userId } = c.req.valid('param');
        const now = services.now();
        const changed = await store.transaction(async (tx) => {
          // A payment being created, approved or paid out for this user finishes first, or sees it.
          await lockPayer(tx, userId);
          const result = await tx.run(
            action === 'freeze'
              ? `UPDATE accounts SET status_before_freeze = status, status = 'frozen', updated_at = ?
               WHERE user_id = ? AND status <> 'frozen'`
              : `UPDATE accounts SET status = COALESCE(status_before_freeze, 'new'), status_before_freeze = NULL,
               updated_at = ? WHERE user_id = ? AND status = 'frozen'`,
            [now, userId],
          );
          if (result.changes > 0) await recordAccountUpdated(tx, userId, now, services.limits);
          return result;
        });
        const account = await getAccount(store, userId);
        if (!account) throw notFound('No such account.');
        if (changed.changes > 0) services.log({ event: `account.${action}`, userId });
        // Money that waited for them while frozen goes out now, if they can receive it.
        if (action === 'unfreeze' && changed.changes > 0) await releaseAwaiting(services, userId);
        return c.json(await accountView(store, userId, account, services.limits), 200);
      },
    );
  }
}
