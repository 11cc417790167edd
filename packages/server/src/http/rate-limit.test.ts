import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { ApiError } from './errors.js';
import { MAX_BUCKETS, rateLimit } from './rate-limit.js';

describe('rateLimit', () => {
  const app = (clock: { now: number }, key: () => string | undefined = () => 'alice') => {
    const hono = new Hono();
    hono.onError((error, c) => {
      const e = error as ApiError;
      c.header('Retry-After', String(e.retryAfter));
      return c.json({ code: e.code }, 429);
    });
    hono.use(
      '*',
      rateLimit({
        perMinute: 3,
        key,
        now: () => clock.now,
        code: 'too_many_attempts',
        message: 'Too many.',
      }),
    );
    hono.get('/', (c) => c.text('ok'));
    return hono;
  };

  it('allows perMinute at once, then one more each 60 / perMinute seconds, to the millisecond', async () => {
    const clock = { now: 1_000_000 };
    const hono = app(clock);
    for (let i = 0; i < 3; i++) expect((await hono.request('/')).status).toBe(200);
    const refused = await hono.request('/');
    expect([refused.status, refused.headers.get('Retry-After')]).toEqual([429, '20']);
    clock.now += 20_000 - 1;
    expect((await hono.request('/')).status).toBe(429);
    clock.now += 1;
    expect((await hono.request('/')).status).toBe(200);
  });

  it('does not lock anyone out when the clock steps back', async () => {
    const clock = { now: 1_000_000 };
    const hono = app(clock);
    expect((await hono.request('/')).status).toBe(200);
    // An NTP correction sets the server's clock an hour back.
    clock.now -= 3600_000;
    expect((await hono.request('/')).status).toBe(200);
    expect((await hono.request('/')).status).toBe(200);
  });

  it('keeps at most MAX_BUCKETS buckets, forgetting the least recently used first', async () => {
    const clock = { now: 1_000_000 };
    let key = 'first';
    const hono = app(clock, () => key);
    const drain = async (k: string) => {
      key = k;
      for (let i = 0; i < 3; i++) expect((await hono.request('/')).status).toBe(200);
      expect((await hono.request('/')).status).toBe(429);
    };
    await drain('first');
    await drain('insistent');
    // As many other addresses within the same instant (none refills): each takes a bucket.
    for (let i = 0; i < MAX_BUCKETS; i++) {
      key = `other-${i}`;
      expect((await hono.request('/')).status).toBe(200);
      // Refused now and then, it stays among the most recent, and so stays limited.
      if (i % 1000 === 0) {
        key = 'insistent';
        expect((await hono.request('/')).status).toBe(429);
      }
    }
    key = 'insistent';
    expect((await hono.request('/')).status).toBe(429);
    // The least recently used was forgotten, not kept along with every other.
    key = 'first';
    expect((await hono.request('/')).status).toBe(200);
  });

  it('does not limit requests it cannot tell apart (no key)', async () => {
    const hono = app({ now: 1_000_000 }, () => undefined);
    for (let i = 0; i < 10; i++) expect((await hono.request('/')).status).toBe(200);
  });
});
