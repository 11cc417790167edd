// Test support: the real Settle server, in-process on a real HTTP port, on a fresh SQLite file.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { readDevOutbox } from '../../../server/src/sms.js';
import { FR_CARD, mintToken, testApp } from '../../../server/src/testing/platform.js';
import { openTestStore } from '../../../server/src/testing/stores.js';
import { createSettle, type SettleOptions } from '../index.js';

export { STREAMS_PER_USER } from '../../../server/src/events/routes.js';
export { FR_CARD, GB_CARD } from '../../../server/src/testing/platform.js';

/** The PIN `enroll` sets. */
export const PIN = '914273';

export const eur = (value: number) => ({ value, currency: 'EUR' });

/** Polls `read` until `done` holds for its result (state that settles after the response). */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  ms = 5000,
) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`still not there: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Starts Settle on port 0 over a temporary SQLite store. `settleFor(userId)` gives an SDK
 * client for that user whose `getToken` mints a real platform token.
 */
export async function startServer() {
  const db = await openTestStore('sqlite');
  // Every test user enrolls from 127.0.0.1: the card-token limit per address would hold them.
  const t = await testApp(db.store, { cardTokensPerMinute: 1e9 });
  // Keep the platform's Request and Response: msw and the SDK are tested on them, as apps run.
  const server = serve({
    fetch: t.app.fetch,
    port: 0,
    hostname: '127.0.0.1',
    overrideGlobalObjects: false,
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const token = (userId: string, ttl = 600) =>
    mintToken(t.keys, userId, { ttl, iat: Math.floor(t.clock.now / 1000) });

  const settleFor = (userId: string, options: Partial<SettleOptions> = {}) =>
    createSettle({ baseUrl, getToken: () => token(userId), ...options });

  /** What the card frame does: turns a sandbox card into a single-use token. */
  async function cardToken(number = FR_CARD) {
    const res = await fetch(`${baseUrl}/v1/card-tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        number,
        expMonth: 12,
        expYear: new Date().getFullYear() + 3,
        cvc: '123',
      }),
    });
    return ((await res.json()) as { token: string }).token;
  }

  /** The code in the newest SMS the dev outbox holds for `phone`. */
  async function lastCode(phone: string) {
    const [sms] = await readDevOutbox(db.store, { phone, limit: 1 });
    const code = sms?.body.match(/\b(\d{6})\b/)?.[1];
    if (!code) throw new Error(`no SMS code for ${phone}`);
    return code;
  }

  let phones = 0;
  /** Takes `userId` from `new` to `active` through the SDK, each user on a phone of its own. */
  async function enroll(
    userId: string,
    { phone = `+3364${String(++phones).padStart(7, '0')}`, pin = PIN, card = FR_CARD } = {},
  ) {
    const settle = settleFor(userId);
    await settle.account.setProfile({ legalName: 'Alice Martin', country: 'FR', phone });
    await settle.account.attachCard({ token: await cardToken(card) });
    await settle.account.setPin({ pin });
    const account = await settle.account.verify({ code: await lastCode(phone) });
    if (account.status !== 'active') throw new Error(`enroll failed: ${JSON.stringify(account)}`);
    return settle;
  }

  async function close() {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await db.cleanup();
  }

  return {
    baseUrl,
    app: t.app,
    store: db.store,
    clock: t.clock,
    keys: t.keys,
    token,
    settleFor,
    cardToken,
    lastCode,
    enroll,
    close,
  };
}

export type TestServer = Awaited<ReturnType<typeof startServer>>;
