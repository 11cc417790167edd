// The soak's HTTP client: user tokens signed like a platform's server signs them, every
// answer counted, and network failures returned (not thrown) so callers can retry.
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

const TIMEOUT_MS = 15_000;

/** A platform: its key pair, id and secret key, and the server settings that trust it. */
export async function soakPlatform() {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `soak-${randomBytes(4).toString('hex')}`;
  const id = 'soak.example';
  const secretKey = `sk_soak_${randomBytes(24).toString('base64url')}`;
  const env = {
    SETTLE_PLATFORM_ID: id,
    SETTLE_PLATFORM_JWKS: JSON.stringify({
      keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }],
    }),
    SETTLE_SECRET_KEYS: secretKey,
    SETTLE_VAULT_KEYS: `soak:${randomBytes(32).toString('base64')}`,
    SETTLE_VAULT_ACTIVE_KEY: 'soak',
    SETTLE_HASH_SECRET: randomBytes(32).toString('base64url'),
    // Every simulated user enrolls from this machine's one address.
    SETTLE_CARD_TOKENS_PER_MINUTE: '100000',
  };
  const tokens = new Map();
  /** A user token, minted again when the cached one is half way through its life. */
  async function tokenFor(userId) {
    const now = Math.floor(Date.now() / 1000);
    const cached = tokens.get(userId);
    if (cached && cached.iat > now - 1800) return cached.token;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer(id)
      .setAudience('settle')
      .setSubject(userId)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(privateKey);
    tokens.set(userId, { token, iat: now });
    return token;
  }
  return { env, secretKey, tokenFor };
}

/** Counts of answers by status (0 = no answer: refused, reset, timed out). */
export function soakStats() {
  const byStatus = new Map();
  const serverErrors = [];
  return {
    byStatus,
    serverErrors,
    count(status) {
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    },
    total: () => [...byStatus.values()].reduce((a, b) => a + b, 0),
    of: (test) => [...byStatus].filter(([s]) => test(s)).reduce((a, [, n]) => a + n, 0),
  };
}

/**
 * `request(as, method, path, { body, key })` where `as` is a user id, `'admin'` (the
 * platform's secret key) or `null`. Resolves to `{ status, body, retryAfter }`; status 0
 * when no answer came.
 */
export function soakClient({ base, platform, stats }) {
  return async function request(as, method, path, { body, key } = {}) {
    const headers = {};
    if (as === 'admin') headers.Authorization = `Bearer ${platform.secretKey}`;
    else if (as) headers.Authorization = `Bearer ${await platform.tokenFor(as)}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (key) headers['Idempotency-Key'] = key;
    try {
      const res = await fetch(`${base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const text = await res.text();
      stats.count(res.status);
      if (res.status >= 500) {
        stats.serverErrors.push(
          `${method} ${path.split('?')[0]} ${res.status} ${text.slice(0, 200)}`,
        );
      }
      let json;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.status, body: json, retryAfter: Number(res.headers.get('retry-after')) };
    } catch (error) {
      stats.count(0);
      return { status: 0, error };
    }
  };
}
