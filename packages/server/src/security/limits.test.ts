import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PIN_ATTEMPTS_PER_MINUTE } from '../app.js';
import { type Document, type Operation, operationsOf } from '../fuzz/operations.js';
import {
  enroll,
  mintToken,
  nextPhone,
  SECRET_KEY,
  type TestApp,
  testApp,
} from '../testing/platform.js';
import { changes, snapshot } from '../testing/snapshot.js';
import { listenHttp } from '../testing/sse.js';
import { openTestStore, type TestStore } from '../testing/stores.js';

const LIMIT = 16 * 1024;
const eur = (value: number) => ({ value, currency: 'EUR' });

/** Requests too big or too many are refused before they cost anything. */
describe('size and rate limits', () => {
  let db: TestStore;
  let t: TestApp;
  let writes: Operation[];
  const auth = async (op: Operation) =>
    op.security === 'platform'
      ? SECRET_KEY
      : await mintToken(t.keys, 'alice', { iat: Math.floor(t.clock.now / 1000) });

  beforeAll(async () => {
    db = await openTestStore('sqlite');
    t = await testApp(db.store);
    for (const user of ['alice', 'bob', 'carol']) await enroll(t, user, { phone: nextPhone() });
    const doc = (await (await t.app.request('/openapi.json')).json()) as Document;
    writes = operationsOf(doc).filter((op) => op.method === 'POST' || op.method === 'PUT');
  });
  afterAll(() => db.cleanup());

  /** A JSON body of exactly `bytes` bytes. */
  const bodyOf = (bytes: number) => JSON.stringify({ pad: 'a'.repeat(bytes - 10) });

  it('refuses a body over 16 kB on every route that takes one, with 413 and nothing changed', async () => {
    const before = await snapshot(db.store);
    for (const op of writes) {
      // At the limit, a body is read and refused for its shape (routes without one ignore it).
      const sizes = op.body ? ([LIMIT + 1, LIMIT] as const) : ([LIMIT + 1] as const);
      for (const bytes of sizes) {
        const refused = bytes > LIMIT;
        const body = bodyOf(bytes);
        expect(Buffer.byteLength(body)).toBe(bytes);
        const res = await t.app.request(op.path.replace(/\{\w+\}/g, 'x'), {
          method: op.method,
          headers: {
            Authorization: `Bearer ${await auth(op)}`,
            'Content-Type': 'application/json',
            'Content-Length': String(bytes),
            'Idempotency-Key': `big-${bytes}`,
          },
          body,
        });
        const label = `${op.method} ${op.path}, ${bytes} bytes`;
        if (refused) {
          expect(res.status, label).toBe(413);
          expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
            'body_too_large',
          );
        } else expect(res.status, label).not.toBe(413);
      }
    }
    expect(changes(before, await snapshot(db.store))).toEqual([]);
  });

  it('refuses an oversized body over real HTTP, announced or streamed in chunks', async () => {
    const http = await listenHttp(t.app);
    try {
      const headers = {
        Authorization: `Bearer ${await mintToken(t.keys, 'alice')}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': 'streamed',
      };
      const announced = await fetch(`${http.url}/v1/transfers`, {
        method: 'POST',
        headers,
        body: bodyOf(1024 * 1024),
      });
      expect(announced.status).toBe(413);
      // No Content-Length: the limit counts bytes as they arrive.
      const chunk = new TextEncoder().encode(`{"pad":"${'a'.repeat(4096)}`);
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 64) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const chunked = await fetch(`${http.url}/v1/transfers`, {
        method: 'POST',
        headers,
        body: stream,
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(413);
    } finally {
      await http.close();
    }
  });

  it(`allows ${PIN_ATTEMPTS_PER_MINUTE} PIN checks a minute per user, then 429 with Retry-After`, async () => {
    const authorize = (user: string, pin: string) =>
      t.call(user, 'POST', '/v1/authorizations', { pin, amount: eur(4000), payeeId: 'carol' });
    t.clock.now += 60_000;
    // Dave chooses his PIN while enrolling: one attempt.
    await enroll(t, 'dave', { phone: nextPhone() });
    // Wrong PINs lock the account after 5; the limit still counts every attempt after that.
    for (let i = 0; i < PIN_ATTEMPTS_PER_MINUTE - 2; i++) {
      expect((await authorize('dave', '000111')).status).toBe(403);
    }
    // The PIN routes share one allowance: changing the PIN draws from it too.
    const change = await t.call('dave', 'PUT', '/v1/account/pin', {
      pin: '583920',
      currentPin: '000111',
    });
    expect(change.status).toBe(403);
    const limited = await authorize('dave', '000111');
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({
      type: 'rate_limit_error',
      code: 'too_many_attempts',
    });
    const wait = Number(limited.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60 / PIN_ATTEMPTS_PER_MINUTE);
    const unlock = await t.call('dave', 'POST', '/v1/account/unlock', {
      code: '000000',
      pin: '583920',
    });
    expect(unlock.status).toBe(429);

    // Others are not held back by Dave's attempts.
    expect((await authorize('bob', '914273')).status).toBe(201);
    t.clock.now += wait * 1000;
    expect((await authorize('dave', '000111')).status).toBe(403);
  });
});
