import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Document, type Operation, operationsOf } from '../fuzz/operations.js';
import { enroll, mintToken, nextPhone, type TestApp, testApp } from '../testing/platform.js';
import { openTestStore, type TestStore } from '../testing/stores.js';

const ALLOWED = ['https://chat.example', 'http://localhost:*'];
/** Origins a browser may send that are not the chat app's, some of them close imitations. */
const FOREIGN = [
  'https://evil.example',
  'null',
  'https://chat.example.evil.example',
  'https://evilchat.example',
  'http://chat.example',
  'https://chat.example:8443',
  'https://sub.chat.example',
  'http://localhost.evil.example',
  'http://127.0.0.1:3000',
  'https://chat.example/',
  'HTTPS://CHAT.EXAMPLE',
  'https://chat.example; script-src *',
];

/** What a browser enforces for the API on behalf of the chat app: CORS and the card frame's CSP. */
describe('browser policies on every route', () => {
  let db: TestStore;
  let t: TestApp;
  let operations: Operation[];
  beforeAll(async () => {
    db = await openTestStore('sqlite');
    t = await testApp(db.store, { allowedOrigins: ALLOWED });
    await enroll(t, 'alice', { phone: nextPhone() });
    operations = operationsOf((await (await t.app.request('/openapi.json')).json()) as Document);
  });
  afterAll(() => db.cleanup());

  const preflight = (op: Operation, origin: string) =>
    t.app.request(op.path.replace(/\{\w+\}/g, 'x'), {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': op.method,
        'Access-Control-Request-Headers': 'authorization,content-type,idempotency-key',
      },
    });

  it('lets only the configured origins call the API from a browser, never with cookies', async () => {
    for (const op of operations) {
      for (const origin of ['https://chat.example', 'http://localhost:5173']) {
        const ok = await preflight(op, origin);
        expect(ok.headers.get('access-control-allow-origin'), `${op.path} ${origin}`).toBe(origin);
        expect(ok.headers.get('access-control-allow-credentials')).toBeNull();
        expect(ok.headers.get('access-control-allow-methods')).toContain(op.method);
        expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
          'idempotency-key',
        );
      }
      for (const origin of FOREIGN) {
        const res = await preflight(op, origin);
        expect(res.headers.get('access-control-allow-origin'), `${op.path} ${origin}`).toBeNull();
      }
    }
  });

  it('does not let a foreign page read an answer, even to a simple request', async () => {
    const token = await mintToken(t.keys, 'alice', { iat: Math.floor(t.clock.now / 1000) });
    for (const origin of FOREIGN) {
      const res = await t.app.request('/v1/account', {
        headers: { Origin: origin, Authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });

  it('lets an allowed page read answers and their Request-Id, errors included', async () => {
    const token = await mintToken(t.keys, 'alice', { iat: Math.floor(t.clock.now / 1000) });
    const origin = 'https://chat.example';
    const answers = [
      await t.app.request('/v1/account', {
        headers: { Origin: origin, Authorization: `Bearer ${token}` },
      }),
      await t.app.request('/v1/account', { headers: { Origin: origin } }),
      await t.app.request('/v1/transfers', {
        method: 'POST',
        headers: {
          Origin: origin,
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
        },
        body: '{"amount":1,"amount":2}',
      }),
    ];
    expect(answers.map((res) => res.status)).toEqual([200, 401, 400]);
    for (const res of answers) {
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-expose-headers')).toBe('Request-Id,Retry-After');
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      expect(res.headers.get('vary')).toBe('Origin');
      expect(res.headers.get('request-id')).toMatch(/^[\w-]+$/);
    }
  });

  it('frames the card frame only in the origin that asked, if allowed, under a strict CSP', async () => {
    for (const origin of ['https://chat.example', 'http://localhost:5173']) {
      const page = await t.app.request(`/card-frame?origin=${encodeURIComponent(origin)}`);
      expect(page.status).toBe(200);
      const csp = (page.headers.get('content-security-policy') as string).split('; ');
      expect(csp).toContain(`frame-ancestors ${origin}`);
      expect(csp.filter((d) => d.startsWith('frame-ancestors'))).toHaveLength(1);
      expect(csp).toEqual(
        expect.arrayContaining([
          "default-src 'none'",
          "script-src 'self'",
          "connect-src 'self'",
          "form-action 'none'",
          "base-uri 'none'",
        ]),
      );
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      expect(page.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('refuses to serve the card frame to any other origin, or to none', async () => {
    for (const origin of [...FOREIGN, '']) {
      const page = await t.app.request(`/card-frame?origin=${encodeURIComponent(origin)}`);
      expect(page.status, origin).toBe(403);
      expect(page.headers.get('content-security-policy')).toBeNull();
      expect(await page.text()).not.toContain('<input');
    }
    expect((await t.app.request('/card-frame')).status).toBe(403);
  });

  it('allows no browser origin at all when none is configured (the production default)', async () => {
    const closed = await testApp(db.store, { allowedOrigins: [] });
    const frame = await closed.app.request('/card-frame?origin=https%3A%2F%2Fchat.example');
    expect(frame.status).toBe(403);
    const res = await closed.app.request('/v1/account', {
      method: 'OPTIONS',
      headers: { Origin: 'https://chat.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
