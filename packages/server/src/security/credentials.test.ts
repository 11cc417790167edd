import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Document, type Operation, operationsOf } from '../fuzz/operations.js';
import {
  badPlatformCredentials,
  badUserCredentials,
  type Credential,
} from '../testing/credentials.js';
import { enroll, mintToken, nextPhone, type TestApp, testApp } from '../testing/platform.js';
import { changes, snapshot } from '../testing/snapshot.js';
import { openTestStore, type TestStore } from '../testing/stores.js';

/** A path of `op` with every parameter filled in. */
const pathOf = (op: Operation) => op.path.replace(/\{\w+\}/g, 'alice');

/**
 * Credentials travel only in the Authorization header, and only the right kind is accepted on
 * each route: user tokens on user routes, the platform's secret key on admin routes. Cookies
 * are never read, so a cross-site form cannot act with a user's session (no CSRF), and no
 * response ever sets one.
 */
describe('credentials on every route', () => {
  let db: TestStore;
  let t: TestApp;
  let operations: Operation[];
  let bad: Record<'user' | 'platform', Credential[]>;
  const setCookies: string[] = [];

  async function send(op: Operation, headers: Record<string, string>, body?: string) {
    const hasBody = op.method !== 'GET';
    const res = await t.app.request(pathOf(op), {
      method: op.method,
      headers: {
        ...(hasBody ? { 'content-type': 'application/json', 'idempotency-key': 'k1' } : {}),
        ...headers,
      },
      ...(hasBody ? { body: body ?? '{}' } : {}),
    });
    const cookie = res.headers.get('set-cookie');
    if (cookie) setCookies.push(`${op.method} ${op.path}: ${cookie}`);
    const type = res.headers.get('content-type') ?? '';
    const text = type.startsWith('text/event-stream') ? '' : await res.text();
    await res.body?.cancel().catch(() => undefined);
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  beforeAll(async () => {
    db = await openTestStore('sqlite');
    t = await testApp(db.store);
    await enroll(t, 'alice', { phone: nextPhone() });
    operations = operationsOf((await (await t.app.request('/openapi.json')).json()) as Document);
    bad = {
      user: await badUserCredentials(t, 'alice'),
      platform: await badPlatformCredentials(t, 'alice'),
    };
  });
  afterAll(() => db.cleanup());

  it('refuses, on every user and admin route, every credential that is not the right one', async () => {
    const before = await snapshot(db.store);
    let checked = 0;
    for (const op of operations.filter((o) => o.security !== 'none')) {
      for (const credential of bad[op.security as 'user' | 'platform']) {
        const res = await send(op, credential.headers);
        expect(res.status, `${op.method} ${op.path} with ${credential.label}`).toBe(401);
        expect(res.body.error.type).toBe('authentication_error');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(25 * 8);
    expect(changes(before, await snapshot(db.store))).toEqual([]);
  });

  it('ignores a valid token in a cookie: a cross-site form post does nothing', async () => {
    const token = await mintToken(t.keys, 'alice', { iat: Math.floor(t.clock.now / 1000) });
    const cookie = `token=${token}; access_token=${token}; session=${token}`;
    const before = await snapshot(db.store);
    for (const op of operations.filter((o) => o.security === 'user' && o.method !== 'GET')) {
      // What a form on another site can send without a preflight.
      for (const type of [
        'application/x-www-form-urlencoded',
        'text/plain',
        'multipart/form-data',
      ]) {
        const res = await send(
          op,
          { cookie, 'content-type': type, origin: 'https://evil.example' },
          'recipientId=mallory&amount=50000',
        );
        expect(res.status, `${op.method} ${op.path} as ${type}`).toBe(401);
      }
    }
    expect(changes(before, await snapshot(db.store))).toEqual([]);
  });

  it('never sets a cookie', async () => {
    const token = await mintToken(t.keys, 'alice', { iat: Math.floor(t.clock.now / 1000) });
    for (const op of operations) {
      await send(op, op.security === 'user' ? { authorization: `Bearer ${token}` } : {});
    }
    const frame = await t.app.request('/card-frame?origin=https%3A%2F%2Fchat.example');
    expect(frame.status).toBe(200);
    expect(frame.headers.get('set-cookie')).toBeNull();
    expect(setCookies).toEqual([]);
  });
});
