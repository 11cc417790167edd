import { Webhook } from 'standardwebhooks';
import type { WebhookTarget } from '../config.js';
import { failureRuns } from '../failure-runs.js';
import type { Store } from '../store/store.js';
import { EVENTS_CHANNEL } from './events.js';

/** Waits after each failed attempt: about 24 h in all, then the message is marked failed. */
export const RETRY_DELAYS_MS = [
  5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000,
  28_800_000,
];
const TIMEOUT_MS = 10_000;
// A claimed message is not claimed again before this, unless its attempt ended.
const LEASE_MS = 60_000;
const BATCH = 20;
const KEEP_DONE_MS = 7 * 86_400_000;
/**
 * How long a message must have waited before a process without a webhook URL closes it: a
 * process with the URL (several share one database) claims due messages within seconds, so
 * only messages no process is sending get closed, never another's in a rolling restart.
 */
const OFF_AFTER_MS = 10 * 60_000;

export interface WebhookWorkerOptions {
  store: Store;
  /**
   * Without it, messages due for 10 minutes are marked failed (`webhooks_off`) instead of
   * being sent.
   */
  webhooks?: WebhookTarget | undefined;
  now?: () => number;
  log?: (line: Record<string, unknown>) => void;
  /** How often to look for due messages; new events are also sent as soon as they commit. */
  pollMs?: number;
  fetch?: typeof fetch;
  /** 0..1, for the jitter of retry delays. */
  random?: () => number;
}

export interface WebhookWorker {
  start(): void;
  /** Stops polling and waits for attempts in flight. */
  stop(): Promise<void>;
  /** Sends the messages due now, once; returns how many it attempted. */
  deliverDue(): Promise<number>;
}

interface OutboxRow {
  id: string;
  payload: string;
  next_attempt_at: number;
}

/**
 * Sends the webhook outbox to the platform's URL, signed per Standard Webhooks, at least
 * once: a message is marked delivered only after a 2xx answer. Several processes may run
 * workers on one store: each claims a message by moving its `next_attempt_at` forward with
 * a conditional UPDATE, which only one of them can win.
 *
 * @example
 * const worker = createWebhookWorker({ store, webhooks: { url, secret } });
 * worker.start();
 * process.once('SIGTERM', () => worker.stop());
 */
export function createWebhookWorker({
  store,
  webhooks,
  now = Date.now,
  log = () => undefined,
  pollMs = 1000,
  fetch = globalThis.fetch,
  random = Math.random,
}: WebhookWorkerOptions): WebhookWorker {
  const target = webhooks && {
    url: webhooks.url,
    signers: [webhooks.secret].flat().map((secret) => new Webhook(secret)),
  };
  let lastPrune = 0;

  async function attempt(
    { url, signers }: NonNullable<typeof target>,
    row: OutboxRow,
    lease: number,
    attempts: number,
  ) {
    let error: string;
    try {
      // The timestamp is for the receiver's replay window: always the wall clock.
      const sentAt = new Date();
      const res = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Settle-Webhooks/0.1',
          'webhook-id': row.id,
          'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
          // Standard Webhooks: space-separated; a receiver accepts any one it can verify.
          'webhook-signature': signers
            .map((signer) => signer.sign(row.id, sentAt, row.payload))
            .join(' '),
        },
        body: row.payload,
      });
      await res.body?.cancel();
      if (res.status >= 200 && res.status < 300) {
        await store.run(
          'UPDATE webhook_outbox SET delivered_at = ?, last_error = NULL WHERE id = ?',
          [now(), row.id],
        );
        log({ event: 'webhook.delivered', id: row.id, attempts });
        return;
      }
      error = `HTTP ${res.status}`;
    } catch (e) {
      // The name, and the code of fetch's cause (TypeError: ECONNREFUSED, ENOTFOUND,
      // CERT_HAS_EXPIRED…) that says why; never a message, which may quote the URL.
      const { name, cause } = e as Error;
      const code = (cause as { code?: unknown } | undefined)?.code;
      error = typeof code === 'string' ? `${name}: ${code.slice(0, 40)}` : name;
    }
    const delay = RETRY_DELAYS_MS[attempts - 1];
    const t = now();
    // Only while the lease is still ours: another worker may have taken the message over.
    await store.run(
      `UPDATE webhook_outbox SET last_error = ?, next_attempt_at = ?, failed_at = ?
       WHERE id = ? AND next_attempt_at = ? AND delivered_at IS NULL`,
      delay === undefined
        ? [error, t, t, row.id, lease]
        : [error, t + Math.round(delay * (0.8 + 0.4 * random())), null, row.id, lease],
    );
    log({
      event: delay === undefined ? 'webhook.gave_up' : 'webhook.failed',
      id: row.id,
      attempts,
      error,
    });
  }

  /** Claims up to `limit` due messages and starts their attempts, without waiting for them. */
  async function claimDue(limit: number): Promise<Promise<void>[]> {
    const t = now();
    if (t - lastPrune > 3_600_000) {
      lastPrune = t;
      await store.run(
        `DELETE FROM webhook_outbox WHERE created_at < ? AND (delivered_at IS NOT NULL OR failed_at IS NOT NULL)`,
        [t - KEEP_DONE_MS],
      );
    }
    if (!target) {
      await store.run(
        `UPDATE webhook_outbox SET failed_at = ?, last_error = 'webhooks_off'
         WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?`,
        [t, t - OFF_AFTER_MS],
      );
      return [];
    }
    const due = await store.all<OutboxRow>(
      `SELECT id, payload, next_attempt_at FROM webhook_outbox
       WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?
       ORDER BY next_attempt_at LIMIT ?`,
      [t, limit],
    );
    const lease = t + LEASE_MS;
    const claimed = await Promise.all(
      due.map(async (row) => {
        const won = await store.get<{ attempts: number }>(
          `UPDATE webhook_outbox SET attempts = attempts + 1, next_attempt_at = ?
           WHERE id = ? AND next_attempt_at = ? AND delivered_at IS NULL AND failed_at IS NULL
           RETURNING attempts`,
          [lease, row.id, row.next_attempt_at],
        );
        return won && { row, attempts: Number(won.attempts) };
      }),
    );
    return claimed.flatMap((won) => (won ? [attempt(target, won.row, lease, won.attempts)] : []));
  }

  async function deliverDue(): Promise<number> {
    const attempts = await claimDue(BATCH);
    await Promise.all(attempts);
    return attempts.length;
  }

  let timer: NodeJS.Timeout | undefined;
  let unlisten: Promise<() => Promise<void>> | undefined;
  let running: Promise<void> | undefined;
  let busy = false;
  let again = false;
  let stopped = true;
  // Attempts under way, at most BATCH: a receiver slow to answer one message holds up that
  // message only, not the ones committed after it.
  const inFlight = new Set<Promise<void>>();

  // One pass at a time; a kick during a pass asks for another. `busy` is cleared in the
  // same step as the last look at `again`, so no kick falls between the two. When every
  // place is taken, `again` stays set and the next attempt to end kicks.
  const runs = failureRuns(
    log,
    { failed: 'webhook.worker_failed', recovered: 'webhook.worker_recovered' },
    now,
  );
  const pass = async () => {
    try {
      while (again && !stopped) {
        const room = BATCH - inFlight.size;
        if (room === 0) break;
        again = false;
        clearTimeout(timer);
        try {
          const started = await claimDue(room);
          runs.succeeded();
          for (const attempt of started) {
            const tracked = attempt.then(runs.succeeded, runs.failed).finally(() => {
              inFlight.delete(tracked);
              if (again) kick();
            });
            inFlight.add(tracked);
          }
          if (started.length === room) again = true;
        } catch (error) {
          runs.failed(error);
        }
      }
    } finally {
      busy = false;
      if (!stopped) timer = setTimeout(kick, pollMs);
    }
  };
  const kick = () => {
    again = true;
    if (busy || stopped) return;
    busy = true;
    running = pass();
  };

  return {
    deliverDue,
    start() {
      if (!stopped) return;
      stopped = false;
      // A commit before the LISTEN is in place (or while it reconnects) notifies no one:
      // look again once it is, rather than at the next poll.
      unlisten = store.listen(EVENTS_CHANNEL, kick, kick);
      unlisten.then(kick, (error: Error) =>
        log({ event: 'webhook.listen_failed', error: error.name }),
      );
      kick();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await Promise.all(inFlight);
      await (await unlisten?.catch(() => undefined))?.();
      unlisten = undefined;
    },
  };
}
