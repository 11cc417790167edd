import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { createApp } from '../app.js';
import type { SettleOptions } from '../config.js';
import { generateVaultKey } from '../crypto/vault.js';
import { devOutbox, readDevOutbox } from '../sms.js';
import type { Store } from '../store/store.js';
import { captureBodySecrets, captureLog, captureSecret } from './log-capture.js';

export const PLATFORM_ID = 'chat.example';
export const SECRET_KEY = 'sk_test_platform_secret_key_0123456789';
export const HOST_ORIGIN = 'https://chat.example';

/** A platform key pair, as the chat app's server holds it. */
export async function platformKeys(alg: 'ES256' | 'EdDSA' | 'RS256' = 'ES256', kid = 'key-1') {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { privateKey, publicKey, publicJwk, kid, alg };
}

export type PlatformKeys = Awaited<ReturnType<typeof platformKeys>>;

/** Mints a user token the way the platform's server does; claims can be overridden. */
export function mintToken(
  keys: PlatformKeys,
  userId: string,
  { iss = PLATFORM_ID, aud = 'settle', ttl = 600, iat = Math.floor(Date.now() / 1000) } = {},
) {
  return new SignJWT({})
    .setProtectedHeader({ alg: keys.alg, kid: keys.kid })
    .setIssuer(iss)
    .setAudience(aud)
    .setSubject(userId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttl)
    .sign(keys.privateKey);
}

/**
 * A Settle app on `store` with a test platform, a clock the test moves, and every log
 * line kept so tests can look for secrets in them. Log lines, and the card numbers, PINs and
 * SMS codes tests send, are also captured for the scan that ends the test run.
 */
export async function testApp(store: Store, overrides: Partial<SettleOptions> = {}) {
  const keys = await platformKeys();
  const clock = { now: Date.now() };
  const logs: string[] = [];
  const outbox = devOutbox(store, () => clock.now);
  const app = createApp({
    store,
    platform: { id: PLATFORM_ID, jwks: { keys: [keys.publicJwk] }, secretKeys: [SECRET_KEY] },
    allowedOrigins: [HOST_ORIGIN],
    vault: { keys: { k1: generateVaultKey() }, activeKeyId: 'k1' },
    hashSecret: 'test-hash-secret',
    dev: true,
    now: () => clock.now,
    log: (line) => {
      const text = JSON.stringify(line);
      logs.push(text);
      captureLog(text);
    },
    sms: {
      async send(phone, body) {
        captureSecret('otp', body.match(/\b(\d{6})\b/)?.[1]);
        await outbox.send(phone, body);
      },
    },
    ...overrides,
  });

  async function call(
    userId: string | null,
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ) {
    captureBodySecrets(body);
    const headers: Record<string, string> = {};
    if (userId) {
      // Minted on the test's clock, so moving the clock does not expire it.
      const iat = Math.floor(clock.now / 1000);
      headers.Authorization = `Bearer ${await mintToken(keys, userId, { iat })}`;
    }
    if (body !== undefined) headers['Content-Type'] = contentType;
    const res = await app.request(path, {
      method,
      headers,
      ...(body !== undefined
        ? { body: typeof body === 'string' ? body : JSON.stringify(body) }
        : {}),
    });
    const text = await res.text();
    logs.push(text);
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }

  /** The code in the newest SMS sent to `phone`. */
  async function lastCode(phone: string) {
    // Its own messages: many sent in the same instant of a test's clock have no order.
    const [sms] = await readDevOutbox(store, { phone, limit: 1 });
    return sms?.body.match(/\b(\d{6})\b/)?.[1];
  }

  /** A money-moving POST with an Idempotency-Key. */
  async function pay(
    userId: string,
    path: string,
    body: unknown,
    key: string = crypto.randomUUID(),
    extraHeaders: Record<string, string> = {},
  ) {
    captureBodySecrets(body);
    const iat = Math.floor(clock.now / 1000);
    const res = await app.request(path, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${await mintToken(keys, userId, { iat })}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': key,
        ...extraHeaders,
      },
      // Raw text or bytes go as they are, for bodies JSON.stringify cannot produce.
      body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
    });
    const text = await res.text();
    logs.push(text);
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }

  /** A call of the admin API, with the platform's secret key. */
  async function admin(method: string, path: string, body?: unknown) {
    const res = await app.request(path, {
      method,
      headers: { Authorization: `Bearer ${SECRET_KEY}`, 'Content-Type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    logs.push(text);
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }

  return { app, keys, clock, logs, call, pay, admin, lastCode };
}

export type TestApp = Awaited<ReturnType<typeof testApp>>;

export const FR_CARD = '4000002500000003';
/** Cartes Bancaires co-badged: paid out after 1 business day. */
export const FR_CARD_1_DAY = '4000002500001001';
export const DECLINED_CARD = '4000000000000002';
export const NO_FUNDS_CARD = '4000000000009995';

let phones = 0;
/** A distinct valid French mobile number per call, so SMS rate limits never collide. */
export const nextPhone = () =>
  `+3361${String(process.pid % 100).padStart(2, '0')}${String(++phones).padStart(5, '0')}`;
export const GB_CARD = '4000008260000000';

type EnrollOptions = { phone?: string; pin?: string; card?: string; country?: string };

/** Takes `userId` from `new` to `active` over HTTP; returns the phone it used. */
export async function enroll(t: TestApp, userId: string, options: EnrollOptions = {}) {
  const { phone, code } = await enrollUntilCode(t, userId, options);
  const done = await t.call(userId, 'POST', '/v1/account/verification/check', { code });
  if (done.body?.status !== 'active')
    throw new Error(`enroll failed: ${JSON.stringify(done.body)}`);
  return phone;
}

/** Every enrollment step but the last: answers the phone and the SMS code to check. */
export async function enrollUntilCode(
  t: TestApp,
  userId: string,
  { phone = '+33612345678', pin = '914273', card = FR_CARD, country = 'FR' }: EnrollOptions = {},
) {
  await t.call(userId, 'PUT', '/v1/account/profile', {
    legalName: 'Alice Martin',
    country,
    phone,
  });
  const { body } = await t.call(null, 'POST', '/v1/card-tokens', {
    number: card,
    expMonth: 12,
    expYear: new Date().getFullYear() + 3,
    cvc: '123',
  });
  await t.call(userId, 'POST', '/v1/account/card', { token: body.token });
  await t.call(userId, 'PUT', '/v1/account/pin', { pin });
  return { phone, code: await t.lastCode(phone) };
}
