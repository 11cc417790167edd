import { setTimeout as delay } from 'node:timers/promises';
import type { SSEStreamingApi } from 'hono/streaming';
import type { Services } from '../services.js';
import { eventJson, eventsAfter } from './events.js';

export const KEEP_ALIVE_MS = 15_000;
const PAGE = 100;

/**
 * Streams a user's events after `after` (a `seq`), then new ones as they commit, each once
 * and in order, until the client goes away, `lifetimeMs` (the token's) has passed or `signal`
 * aborts (its reason, a string, is then the stream's last message);
 * `announceStart` first tells the client `after` as an event id. Wakes only say "look
 * again": every pass reads the store from the last `seq` sent, so a missed or duplicate wake
 * changes nothing, and each keep-alive also looks again, in case a notification was lost
 * with a connection.
 */
export async function streamEvents(
  stream: SSEStreamingApi,
  services: Pick<Services, 'store' | 'events' | 'log'>,
  {
    userId,
    after,
    lifetimeMs,
    announceStart = false,
    revoked = async () => false,
    signal,
  }: {
    userId: string;
    after: number;
    lifetimeMs: number;
    announceStart?: boolean;
    /** Whether the stream's token was revoked ("secure my account"): checked after each read. */
    revoked?: () => Promise<boolean>;
    signal?: AbortSignal;
  },
) {
  const { store, events, log } = services;
  const closed = new AbortController();
  stream.onAbort(() => closed.abort());
  signal?.addEventListener('abort', () => closed.abort());
  // Listeners only hear aborts to come: a client that left while the stream was starting
  // would otherwise stay subscribed until the token expires.
  if (stream.aborted || signal?.aborted) closed.abort();
  let last = after;
  let again = false;
  let running = false;
  const failed = (error: unknown) => {
    log({ event: 'events.stream_failed', userId, error: (error as Error).name });
    stream.abort();
  };

  // One pass at a time; a wake during a pass asks for another. `running` is cleared in the
  // same step as the last look at `again`, so no wake falls between the two.
  const pass = async () => {
    try {
      while (again && !closed.signal.aborted) {
        again = false;
        const rows = await eventsAfter(store, userId, last, PAGE);
        // Checked after the read: rows that include anything committed after a revocation
        // (its own event included) are never sent, even when this pass began before it.
        if (await revoked()) {
          stream.abort();
          return;
        }
        for (const row of rows) {
          if (closed.signal.aborted) return;
          await stream.writeSSE({ id: String(row.seq), event: row.type, data: eventJson(row) });
          last = row.seq;
        }
        if (rows.length === PAGE) again = true;
      }
    } catch (error) {
      failed(error);
    } finally {
      running = false;
    }
  };
  const wake = () => {
    again = true;
    if (running) return;
    running = true;
    void pass();
  };

  // If the store cannot listen, the stream ends at once and the client retries later.
  const unsubscribe = await events.subscribe(userId, wake).catch(failed);
  if (!unsubscribe) return;
  try {
    // An id-only message moves a client's resume point without an event: one that drops
    // before any event arrives resumes from here, not from a new recent window.
    await stream.write(announceStart ? `: connected\nid: ${after}\n\n` : ': connected\n\n');
    wake();
    const endAt = performance.now() + lifetimeMs;
    while (!closed.signal.aborted) {
      const left = endAt - performance.now();
      await delay(Math.max(0, Math.min(KEEP_ALIVE_MS, left)), undefined, {
        signal: closed.signal,
      }).catch(() => undefined);
      if (closed.signal.aborted || left <= KEEP_ALIVE_MS) break;
      await stream.write(': keep-alive\n\n');
      wake();
    }
  } finally {
    closed.abort();
    unsubscribe();
    // Not awaited: a client that vanished reads nothing, and nothing waits for it.
    if (typeof signal?.reason === 'string' && !stream.aborted) void stream.write(signal.reason);
  }
}
