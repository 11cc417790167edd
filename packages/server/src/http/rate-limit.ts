import type { Context, MiddlewareHandler } from 'hono';
import { rateLimited } from './errors.js';

export interface RateLimitOptions {
  /** Requests allowed at once, refilled evenly over a minute. */
  perMinute: number;
  /** Whose bucket a request draws from; none, and it is not limited. */
  key: (c: Context) => string | undefined;
  now: () => number;
  /** The error code of the 429. */
  code: string;
  message: string;
}

/**
 * Buckets kept at most, the least recently used going first: a bucket per address (or user)
 * would otherwise pile up as fast as new ones arrive. Only one who sends from more addresses
 * than this gets a bucket forgotten, and a per-address limit does not hold such a sender back
 * anyway.
 */
export const MAX_BUCKETS = 10_000;

/**
 * A token bucket per key, in this process's memory: `perMinute` requests at once, refilled
 * evenly over a minute; beyond, 429 with `Retry-After`. Each server process keeps its own
 * buckets, so limits that must hold across processes (PIN lockout, SMS sends) live in the store.
 *
 * @example
 * app.use('/v1/authorizations', rateLimit({ perMinute: 20, key: (c) => c.var.userId, now, code, message }));
 */
export const rateLimit = ({
  perMinute,
  key,
  now,
  code,
  message,
}: RateLimitOptions): MiddlewareHandler => {
  const buckets = new Map<string, { tokens: number; at: number }>();
  // A clock set back (an NTP step) refills nothing, rather than owing the time back.
  const level = (b: { tokens: number; at: number }, t: number) =>
    Math.min(perMinute, b.tokens + (Math.max(0, t - b.at) * perMinute) / 60_000);
  return async function rateLimit(c, next) {
    const id = key(c);
    if (id === undefined) return next();
    const t = now();
    const bucket = buckets.get(id);
    const tokens = bucket ? level(bucket, t) : perMinute;
    // Moved to the end, refused or not: the map runs from least to most recently used.
    buckets.delete(id);
    if (tokens < 1) {
      if (bucket) buckets.set(id, bucket);
      throw rateLimited(code, message, ((1 - tokens) * 60) / perMinute);
    }
    buckets.set(id, { tokens: tokens - 1, at: t });
    // From the least recently used: full buckets carry nothing worth keeping; beyond
    // MAX_BUCKETS the oldest goes. Each look removes one, or ends the loop.
    for (const [k, b] of buckets) {
      if (buckets.size <= MAX_BUCKETS && level(b, t) < perMinute) break;
      buckets.delete(k);
    }
    await next();
  };
};
