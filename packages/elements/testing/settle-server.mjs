// A real Settle server for the Chromium tests, started by web-test-runner (a plugin's
// serverStart). It is the built @settle/server on a temporary SQLite file, on its own port, so
// the components talk to it cross-origin over HTTP as they do in production. Tests reach the
// platform's side (tokens, the dev SMS outbox, setup) through /__settle/* on the test page's
// own origin.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

const PLATFORM = 'elements.test';
/** Payers whose next payout fails once (the processor hiccups), so a transfer stays pending. */
const hiccups = new Set();

async function importServer() {
  try {
    return {
      ...(await import('@settle/server')),
      ...(await import('@settle/server/node')),
    };
  } catch (error) {
    throw new Error(`The browser tests need the built server: run "npm run build" first.`, {
      cause: error,
    });
  }
}

/** Starts Settle; `origins` are allowed to call it (CORS) and embed its card frame. */
async function startSettle(origins) {
  const { createApp, openSqliteStore } = await importServer();
  const dir = mkdtempSync(join(tmpdir(), 'settle-elements-'));
  const store = await openSqliteStore(join(dir, 'settle.db'));
  await store.migrate();
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const clock = { offset: 0 };
  const now = () => Date.now() + clock.offset;
  const app = createApp({
    store,
    platform: { id: PLATFORM, jwks: { keys: [jwk] }, secretKeys: [] },
    allowedOrigins: origins,
    vault: { keys: { k1: Buffer.alloc(32, 7).toString('base64') }, activeKeyId: 'k1' },
    hashSecret: 'elements-test-hash-secret',
    // Every test user enrolls from 127.0.0.1.
    cardTokensPerMinute: 1e9,
    dev: true,
    now,
    async faults(point) {
      if (point !== 'before-payout' || hiccups.size === 0) return;
      for (const sender of hiccups) {
        const row = await store.get(
          "SELECT id FROM transfers WHERE sender_id = ? AND step = 'payout'",
          [sender],
        );
        if (row) {
          hiccups.delete(sender);
          throw new Error('sandbox payout hiccup');
        }
      }
    },
  });
  // Retries (after a processor error) and payouts run in the background, as in `settle serve`.
  const jobs = app.jobs.start(200);
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const baseUrl = `http://127.0.0.1:${server.address().port}`;

  const token = (userId, ttl = 900) => {
    const iat = Math.floor(now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(PLATFORM)
      .setAudience('settle')
      .setSubject(userId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttl)
      .sign(privateKey);
  };

  async function call(userId, method, path, body) {
    const headers = { 'Content-Type': 'application/json' };
    if (userId) headers.Authorization = `Bearer ${await token(userId)}`;
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json)}`);
    return json;
  }

  /** The 6-digit code of the newest SMS sent to `phone`. */
  async function lastCode(phone) {
    const { data } = await (await fetch(`${baseUrl}/dev/sms`)).json();
    return data.find((sms) => sms.phone === phone)?.body.match(/\b(\d{6})\b/)?.[1] ?? null;
  }

  let phones = 0;
  /** Takes `userId` from `new` to `active` (PIN 914273) as the components' users would. */
  async function enroll(userId, card = '4000002500000003') {
    const phone = `+3365${String(process.pid % 1000).padStart(3, '0')}${String(++phones).padStart(4, '0')}`;
    await call(userId, 'PUT', '/v1/account/profile', {
      legalName: `${userId[0].toUpperCase()}${userId.slice(1).split('-')[0]} Test`,
      country: 'FR',
      phone,
    });
    const expYear = new Date().getFullYear() + 3;
    const { token: cardToken } = await call(null, 'POST', '/v1/card-tokens', {
      number: card,
      expMonth: 12,
      expYear,
      cvc: '123',
    });
    await call(userId, 'POST', '/v1/account/card', { token: cardToken });
    await call(userId, 'PUT', '/v1/account/pin', { pin: '914273' });
    await call(userId, 'POST', '/v1/account/verification/check', { code: await lastCode(phone) });
    return { phone };
  }

  async function stop() {
    if ('closeAllConnections' in server) server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await jobs.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }

  return { baseUrl, clock, token, lastCode, enroll, stop };
}

const json = (value) => ({ body: JSON.stringify(value), type: 'json' });

/**
 * The web-test-runner plugin. Routes (GET, test page origin):
 * `/__settle/config` → `{ baseUrl }`; `/__settle/token?user=` → a user token;
 * `/__settle/enroll?user=&card=` → enrolls the user, `{ phone }`; `/__settle/sms?phone=` →
 * `{ code }`; `/__settle/hiccup?sender=` → that sender's next payout fails once;
 * `/__settle/clock?advance=ms` moves the server's clock on; `/__settle/csp.html?user=` a page
 * under a strict Content-Security-Policy that renders the elements (src/testing/csp-page.ts).
 */
export function settleServerPlugin() {
  let settle;
  return {
    name: 'settle-server',
    async serverStart({ config }) {
      settle = await startSettle([`http://${config.hostname}:*`, 'http://127.0.0.1:*']);
    },
    async serverStop() {
      await settle?.stop();
    },
    async serve(context) {
      if (!context.path.startsWith('/__settle/')) return undefined;
      const q = context.query;
      switch (context.path) {
        case '/__settle/config':
          return json({ baseUrl: settle.baseUrl });
        case '/__settle/token':
          return { body: await settle.token(String(q.user)), type: 'text' };
        case '/__settle/enroll':
          return json(await settle.enroll(String(q.user), q.card ? String(q.card) : undefined));
        case '/__settle/sms':
          return json({ code: await settle.lastCode(String(q.phone)) });
        case '/__settle/hiccup':
          hiccups.add(String(q.sender));
          return json({ ok: true });
        case '/__settle/csp.html':
          // A chat app's page under a strict CSP: no inline script or style, no eval.
          context.set(
            'Content-Security-Policy',
            [
              "default-src 'none'",
              "script-src 'self'",
              "style-src 'self'",
              `connect-src 'self' ${settle.baseUrl}`,
              `frame-src ${settle.baseUrl}`,
            ].join('; '),
          );
          return {
            body: `<!doctype html><html lang="en"><head><title>CSP</title>
<script type="module" src="/packages/elements/src/testing/csp-page.ts"></script></head>
<body></body></html>`,
            type: 'html',
          };
        case '/__settle/clock':
          settle.clock.offset += Number(q.advance);
          return json({ offset: settle.clock.offset });
        default:
          return undefined;
      }
    },
  };
}
