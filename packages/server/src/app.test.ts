import { once } from 'node:events';
import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HOST_ORIGIN, type TestApp, testApp } from './testing/platform.js';
import { listenHttp } from './testing/sse.js';
import { openTestStore, type TestStore } from './testing/stores.js';

describe('the HTTP app', () => {
  let db: TestStore;
  let t: TestApp;
  beforeAll(async () => {
    db = await openTestStore('sqlite');
    t = await testApp(db.store);
  });
  afterAll(() => db.cleanup());

  it('answers health probes', async () => {
    const res = await t.app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('gives each request its own id, never one a client sent, which would be logged as sent', async () => {
    // A PIN, an SMS code or a card number fits Hono's pattern for a client's id.
    for (const sent of ['4000002500000003', '914273']) {
      const res = await t.app.request('/v1/account', { headers: { 'Request-Id': sent } });
      expect(res.status).toBe(401);
      expect(res.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(t.logs.join('\n')).not.toContain(sent);
    }
  });

  it('answers unknown routes with the error shape and a request id', async () => {
    const res = await t.app.request('/v1/nope');
    expect(res.status).toBe(404);
    // Logged to show what clients ask for, but never a PIN, an SMS code or a card number.
    for (const sent of ['914273', '4000002500000003', '4000-0025-0000-0003']) {
      expect((await t.app.request(`/pin/${sent}/x`)).status).toBe(404);
      expect(t.logs.join('\n')).not.toContain(sent);
    }
    expect(t.logs.join('\n')).toContain('"path":"/pin/…/x"');
    // Under /v1 too, where middleware matches every path: not '/v1/*'.
    expect((await t.app.request('/v1/nope/914273')).status).toBe(404);
    expect(t.logs.at(-1)).toContain('"path":"/v1/nope/…"');
    // A route a middleware answered (no token) is logged as that route.
    expect((await t.app.request('/v1/transfers/tr_1')).status).toBe(401);
    expect(t.logs.at(-1)).toContain('"path":"/v1/transfers/:id"');
    expect(res.headers.get('request-id')).toBeTruthy();
    expect(((await res.json()) as { error: object }).error).toMatchObject({
      type: 'not_found_error',
      code: 'route_missing',
    });
  });

  it('serves a valid OpenAPI 3.1 document generated from the routes', async () => {
    const res = await t.app.request('/openapi.json');
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { properties: Record<string, { enum?: string[] }> }> };
    };
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/account',
        '/v1/account/profile',
        '/v1/account/card',
        '/v1/account/pin',
        '/v1/account/verification',
        '/v1/account/verification/check',
        '/v1/account/unlock',
        '/v1/card-tokens',
        '/v1/assistant/preferences',
        '/v1/events',
      ]),
    );
    expect(doc.components.schemas.ProfileInput?.properties.country?.enum).toEqual([
      'FR',
      'GB',
      'US',
    ]);
  });

  it('refuses bodies over 16 kB with 413', async () => {
    const res = await t.call(null, 'POST', '/v1/card-tokens', { number: '4'.repeat(20_000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('body_too_large');
  });

  it('logs a client that leaves mid-body as aborted (499), not as a server error', async () => {
    const http = await listenHttp(t.app);
    const { port } = new URL(http.url);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write(
      'POST /v1/card-tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'Content-Length: 100\r\n\r\n{"a":1}',
    );
    await delay(100);
    socket.destroy();
    const logged = () => t.logs.filter((line) => line.includes('"event":"request"'));
    await vi.waitFor(() => expect(logged().at(-1)).toContain('"status":499'));
    expect(t.logs.join('\n')).not.toContain('"event":"error"');
    await http.close();
  });

  it('allows CORS only for configured origins', async () => {
    const preflight = (origin: string) =>
      t.app.request('/v1/account', {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'authorization',
        },
      });
    const ok = await preflight(HOST_ORIGIN);
    expect(ok.headers.get('access-control-allow-origin')).toBe(HOST_ORIGIN);
    expect(ok.headers.get('access-control-allow-credentials')).toBeNull();
    const evil = await preflight('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    // The page itself only sees a network error: the server's log says why, once per origin an hour.
    await preflight('https://evil.example');
    await preflight('4000002500000003');
    // Well-formed, yet a card number: masked as in logged paths.
    await preflight('http://4000-0025-0000-0003.example');
    const refused = t.logs.filter((line) => line.includes('"event":"origin.refused"'));
    expect(refused).toHaveLength(2);
    expect(JSON.parse(refused[0] as string)).toMatchObject({
      origin: 'https://evil.example',
      reason: expect.stringContaining('SETTLE_ALLOWED_ORIGINS'),
    });
    expect(JSON.parse(refused[1] as string)).toMatchObject({
      origin: 'http://[card number].example',
    });
    expect(t.logs.join('\n')).not.toMatch(/4000-?0025/);
    expect(t.logs.join('\n')).not.toContain(`"origin":"${HOST_ORIGIN}"`);
  });

  it('logs a refused origin again each hour, so made-up origins cannot silence it for good', async () => {
    const get = (origin: string) => t.app.request('/v1/account', { headers: { Origin: origin } });
    const real = 'http://127.0.0.1:3000';
    const lines = () => t.logs.filter((line) => line.includes(`"origin":"${real}"`));
    for (let i = 0; i < 100; i++) await get(`https://made-up-${i}.example`);
    await get(real);
    expect(lines()).toHaveLength(0);
    t.clock.now += 3600_000;
    await get(real);
    await get(real);
    expect(lines()).toHaveLength(1);
  });

  it('never logs a card number sent as a refused origin', async () => {
    for (const origin of [
      'https://4000002500000003.example',
      'http://4000-0025-0000-0003.example:8080',
    ]) {
      await t.app.request('/v1/account', { headers: { Origin: origin } });
    }
    const refused = t.logs.filter((line) => line.includes('"event":"origin.refused"'));
    expect(refused.map((line) => JSON.parse(line).origin)).toEqual(
      expect.arrayContaining([
        'https://[card number].example',
        'http://[card number].example:8080',
      ]),
    );
    expect(t.logs.join('\n')).not.toMatch(/4000-?0025-?0000-?0003/);
  });

  it('serves the card frame only to allowed origins, with frame-ancestors set', async () => {
    const page = await t.app.request(
      `/card-frame?origin=${encodeURIComponent(HOST_ORIGIN)}&lang=fr`,
    );
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') as string;
    expect(csp).toContain(`frame-ancestors ${HOST_ORIGIN}`);
    expect(csp).toContain("script-src 'self'");
    expect(await page.text()).toContain('/card-frame.js');
    const evil = await t.app.request('/card-frame?origin=https%3A%2F%2Fevil.example');
    expect(evil.status).toBe(403);
    const script = await t.app.request('/card-frame.js');
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(await script.text()).toContain('settle:card-token');
  });

  it('says 503 to health probes when the store does not answer', async () => {
    const other = await openTestStore('sqlite');
    const lost = await testApp(other.store);
    await other.cleanup();
    const res = await lost.app.request('/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable' });
  });

  it('while draining: 503 to health probes and new streams, and closes each connection', async () => {
    const draining = await testApp(db.store);
    draining.app.drain();
    const health = await draining.app.request('/healthz');
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'draining' });
    expect(health.headers.get('connection')).toBe('close');
    const stream = await draining.call('alice', 'GET', '/v1/events');
    expect(stream.status).toBe(503);
    expect(stream.body.error.code).toBe('shutting_down');
    expect(stream.headers.get('retry-after')).toBe('1');
    expect((await draining.call('alice', 'GET', '/v1/account')).headers.get('connection')).toBe(
      'close',
    );
    expect((await t.app.request('/healthz')).headers.get('connection')).toBeNull();
  });

  it('has no dev routes in production', async () => {
    const prod = await testApp(db.store, { dev: false });
    expect((await prod.app.request('/dev/sms')).status).toBe(404);
    expect((await t.app.request('/dev/sms')).status).toBe(200);
  });
});
