import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { ApiError } from './errors.js';
import { rateLimit } from './rate-limit.js';

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

  it('does not limit requests it cannot tell apart (no key)', async () => {
    const hono = app({ now: 1_000_000 }, () => undefined);
    for (let i = 0; i < 10; i++) expect((await hono.request('/')).status).toBe(200);
  });
});
