import { base64url, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  mintToken,
  PLATFORM_ID,
  platformKeys,
  SECRET_KEY,
  type TestApp,
  testApp,
} from '../testing/platform.js';
import { openTestStore, type TestStore } from '../testing/stores.js';

describe('user tokens', () => {
  let db: TestStore;
  let t: TestApp;
  beforeAll(async () => {
    db = await openTestStore('sqlite');
    t = await testApp(db.store);
  });
  afterAll(() => db.cleanup());

  const get = (token: string) =>
    t.app.request('/v1/account', { headers: { Authorization: `Bearer ${token}` } });
  const expect401 = async (token: string, message: RegExp) => {
    const res = await get(token);
    expect(res.status).toBe(401);
    const { error } = (await res.json()) as { error: { type: string; message: string } };
    expect(error.type).toBe('authentication_error');
    expect(error.message).toMatch(message);
  };
  const now = () => Math.floor(Date.now() / 1000);

  it('accepts a token signed by the platform', async () => {
    const res = await get(await mintToken(t.keys, 'alice'));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { userId: string }).userId).toBe('alice');
  });

  it('reads the scheme in any case, as HTTP clients may send it', async () => {
    const token = await mintToken(t.keys, 'alice');
    for (const authorization of [`bearer ${token}`, `BEARER ${token}`, `Bearer  ${token}`]) {
      const res = await t.app.request('/v1/account', { headers: { Authorization: authorization } });
      expect(res.status, authorization.slice(0, 8)).toBe(200);
    }
    const basic = await t.app.request('/v1/account', {
      headers: { Authorization: `Basic ${token}` },
    });
    expect(basic.status).toBe(401);
  });

  it('accepts EdDSA and RS256 platform keys too', async () => {
    for (const alg of ['EdDSA', 'RS256'] as const) {
      const keys = await platformKeys(alg, `${alg}-key`);
      const other = await testApp(db.store, {
        platform: { id: PLATFORM_ID, jwks: { keys: [keys.publicJwk] }, secretKeys: [] },
      });
      const res = await other.app.request('/v1/account', {
        headers: { Authorization: `Bearer ${await mintToken(keys, 'alice')}` },
      });
      expect(res.status).toBe(200);
    }
  });

  it('rejects alg none', async () => {
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    const payload = base64url.encode(
      JSON.stringify({
        iss: PLATFORM_ID,
        aud: 'settle',
        sub: 'alice',
        iat: now(),
        exp: now() + 60,
      }),
    );
    await expect401(`${header}.${payload}.`, /not allowed|malformed/);
  });

  it('rejects HS256 signed with the platform public key', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(t.keys.publicJwk));
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: t.keys.kid })
      .setIssuer(PLATFORM_ID)
      .setAudience('settle')
      .setSubject('alice')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(secret);
    await expect401(token, /algorithm not allowed/);
  });

  it('rejects an expired token, allowing 60 s of clock skew', async () => {
    await expect401(await mintToken(t.keys, 'alice', { iat: now() - 700, ttl: 600 }), /expired/);
    const justExpired = await mintToken(t.keys, 'alice', { iat: now() - 630, ttl: 600 });
    expect((await get(justExpired)).status).toBe(200);
  });

  it('rejects a token not yet valid', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: t.keys.kid })
      .setIssuer(PLATFORM_ID)
      .setAudience('settle')
      .setSubject('alice')
      .setIssuedAt()
      .setNotBefore(now() + 300)
      .setExpirationTime('10m')
      .sign(t.keys.privateKey);
    await expect401(token, /nbf/);
  });

  it('rejects the wrong audience or issuer', async () => {
    await expect401(await mintToken(t.keys, 'alice', { aud: 'someone-else' }), /aud/);
    await expect401(await mintToken(t.keys, 'alice', { iss: 'evil.example' }), /iss/);
  });

  it('rejects an unknown kid and a key the platform does not have', async () => {
    const stranger = await platformKeys('ES256', 'key-unknown');
    // Named, so a platform mid-rotation sees which key Settle lacks.
    await expect401(
      await mintToken(stranger, 'alice'),
      /^No platform key matches the token's `kid` "key-unknown"\.$/,
    );
    const sameKid = await platformKeys('ES256', t.keys.kid);
    await expect401(await mintToken(sameKid, 'alice'), /signature/);
    // A card number put in the kid is not echoed back.
    const pan = await platformKeys('ES256', 'pan-4000002500000003');
    await expect401(
      await mintToken(pan, 'alice'),
      /^No platform key matches the token's `kid` "pan-\[card number\]"\.$/,
    );
  });

  it('rejects a sub that is not a string, as JWT requires, with a 401 that says so', async () => {
    for (const sub of [12345, ['alice'], { id: 1 }, null]) {
      const token = await new SignJWT({ sub } as Record<string, unknown>)
        .setProtectedHeader({ alg: 'ES256', kid: t.keys.kid })
        .setIssuer(PLATFORM_ID)
        .setAudience('settle')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(t.keys.privateKey);
      await expect401(token, sub === null ? /sub/ : /`sub` must be a string/);
    }
  });

  it('rejects tokens that live longer than an hour', async () => {
    await expect401(await mintToken(t.keys, 'alice', { ttl: 7200 }), /1 hour/);
  });

  it('rejects a missing, malformed or secret-key credential', async () => {
    expect((await t.app.request('/v1/account')).status).toBe(401);
    await expect401('not-a-jwt', /malformed/);
    await expect401(SECRET_KEY, /Secret keys/);
    const cookie = await t.app.request('/v1/account', {
      headers: { Cookie: `token=${await mintToken(t.keys, 'alice')}` },
    });
    expect(cookie.status).toBe(401);
  });
});
