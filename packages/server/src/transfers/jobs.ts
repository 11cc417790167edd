import { failureRuns } from '../failure-runs.js';
import type { Services } from '../services.js';
import type { Sql } from '../store/store.js';
import { IDEMPOTENCY_TTL_MS } from './idempotency.js';
import {
  advanceTransfer,
  commitStep,
  type RefundReason,
  recipientState,
  reservePayout,
  startRefund,
} from './steps.js';
import type { TransferRow } from './transfer-row.js';

/** How long after its expiry a spent SCA authorization is still remembered as spent. */
const SCA_USED_KEPT_MS = 3600_000;

/** A step untouched this long is taken over by the job: its runner crashed or gave up. */
const STALE_MS = 10_000;

/** Moves an awaiting transfer on, in one transaction, if it still awaits. */
export const leaveAwait = (
  services: Services,
  id: string,
  change: (tx: Sql, t: TransferRow, now: number) => Promise<Partial<TransferRow> | undefined>,
) => commitStep(services, id, 'await', change);

/**
 * Why money leaving its wait goes back: from its `expiresAt` on it has expired, whoever moves
 * it first (the job, the recipient's enrollment, the sender's cancel), however late that is.
 */
export const refundReason = (t: TransferRow, now: number, otherwise: RefundReason) =>
  t.expires_at !== null && Number(t.expires_at) <= now ? 'expired' : otherwise;

/**
 * The recipient has enrolled: reserve the payout, or the refund if they are abroad or late.
 * If they cannot be paid after all (frozen, or locked, since they were found payable), it
 * waits on: until they can, its sender cancels, or it expires.
 */
const toPayout = (services: Services, id: string) =>
  leaveAwait(services, id, async (tx, t, now) => {
    if (refundReason(t, now, null) === 'expired') return startRefund(tx, t, now, 'expired');
    const recipient = await recipientState(tx, t);
    if (recipient === 'waiting') return undefined;
    if (recipient === 'foreign') return startRefund(tx, t, now, 'recipient_not_domestic');
    await reservePayout(tx, t, now);
    return { step: 'payout', status: 'pending', expires_at: null };
  });

/** Pays out what was waiting for `userId`, now that they can receive money (enrolled, unlocked, unfrozen). */
export async function releaseAwaiting(services: Services, userId: string) {
  const waiting = await services.store.all<{ id: string; currency: string }>(
    // `step <> 'done'` (implied) lets the query use the index of unfinished transfers.
    `SELECT t.id, t.currency FROM transfers t WHERE t.recipient_id = ? AND t.step = 'await'
     AND t.step <> 'done'`,
    [userId],
  );
  for (const { id } of waiting) {
    if (await toPayout(services, id)) await advanceTransfer(services, id);
  }
}

/** How often the jobs look for waiting transfers whose recipient can now be paid: passes. */
const SWEEP_EVERY = 60;

/**
 * One pass of the background work: resumes steps left by crashes or failed calls, refunds
 * what waited 7 days, pays out to recipients who enrolled (`sweepAwaiting`), and forgets old
 * keys. `recovering` takes every unfinished step, as on a restart.
 */
export async function runJobsOnce(
  services: Services,
  { recovering = false, sweepAwaiting = true } = {},
) {
  const now = services.now();
  const due = await services.store.all<{ id: string }>(
    // `step <> 'done'` (implied) lets the query use the index of unfinished transfers.
    `SELECT id FROM transfers WHERE step IN ('charge', 'payout', 'refund') AND step <> 'done'
     AND (? = 1 OR (next_attempt_at > 0 AND next_attempt_at <= ?) OR (next_attempt_at = 0 AND updated_at < ?))
     ORDER BY created_at LIMIT 500`,
    [recovering ? 1 : 0, now, now - STALE_MS],
  );
  for (const { id } of due) await advanceTransfer(services, id);

  const expired = await services.store.all<{ id: string }>(
    `SELECT id FROM transfers WHERE step = 'await' AND expires_at <= ? ORDER BY expires_at LIMIT 500`,
    [now],
  );
  for (const { id } of expired) {
    const moved = await leaveAwait(services, id, (tx, row, at) =>
      startRefund(tx, row, at, 'expired'),
    );
    if (moved) await advanceTransfer(services, id);
  }

  // A recipient's enrollment pays out what waited for them (releaseAwaiting); this finds what
  // a crash or a failed call left waiting. It reads every waiting transfer, so not every pass.
  if (sweepAwaiting) {
    const payable = await services.store.all<{ id: string }>(
      `SELECT t.id FROM transfers t JOIN accounts a ON a.user_id = t.recipient_id
       WHERE t.step = 'await' AND t.step <> 'done'
         AND a.status = 'active' AND a.country IS NOT NULL AND a.card_id IS NOT NULL
       ORDER BY t.created_at LIMIT 500`,
    );
    for (const { id } of payable) {
      if (await toPayout(services, id)) await advanceTransfer(services, id);
    }
  }

  await services.store.run('DELETE FROM idempotency_keys WHERE created_at < ?', [
    now - IDEMPOTENCY_TTL_MS,
  ]);
  // Spent authorizations are kept past their expiry: another server process whose clock runs
  // behind this one's would still take one as unexpired, and spend it again.
  await services.store.run('DELETE FROM sca_used WHERE expires_at < ?', [now - SCA_USED_KEPT_MS]);
}

/**
 * Runs the jobs every `intervalMs` until stopped; a recovery pass first. Waiting transfers
 * whose recipient can be paid are looked for on that pass and every SWEEP_EVERY passes after.
 */
export function startJobs(services: Services, intervalMs = 1000) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let pass = 0;
  const runs = failureRuns(
    services.log,
    { failed: 'jobs.failed', recovered: 'jobs.recovered' },
    services.now,
  );
  const loop = (recovering: boolean) => {
    // The recovery pass is pass 0.
    const sweepAwaiting = pass++ % SWEEP_EVERY === 0;
    running = runJobsOnce(services, { recovering, sweepAwaiting })
      .then(runs.succeeded, runs.failed)
      .finally(() => {
        if (!stopped) timer = setTimeout(() => loop(false), intervalMs);
      });
  };
  loop(true);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
