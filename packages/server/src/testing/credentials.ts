import { base64url, SignJWT } from 'jose';
import { mintToken, PLATFORM_ID, platformKeys, SECRET_KEY, type TestApp } from './platform.js';

export type Credential = { label: string; headers: Record<string, string> };

const unsigned = (claims: Record<string, unknown>, header: Record<string, unknown>) =>
  `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(claims))}.`;

/**
 * Credentials that a user route must refuse with 401 (SPEC: Trust model), each for `userId`
 * where it names a user: forged, confused, expired, misplaced.
 */
export async function badUserCredentials(t: TestApp, userId: string): Promise<Credential[]> {
  const iat = Math.floor(t.clock.now / 1000);
  const valid = await mintToken(t.keys, userId, { iat });
  const claims = { iss: PLATFORM_ID, aud: 'settle', sub: userId, iat, exp: iat + 600 };
  const other = await platformKeys('ES256', t.keys.kid);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  return [
    { label: 'none', headers: {} },
    { label: 'empty', headers: { authorization: '' } },
    { label: 'scheme only', headers: { authorization: 'Bearer' } },
    { label: 'Basic', headers: { authorization: `Basic ${btoa(`${userId}:password`)}` } },
    { label: 'not a JWT', headers: bearer('not.a.jwt') },
    { label: 'alg none', headers: bearer(unsigned(claims, { alg: 'none', kid: t.keys.kid })) },
    {
      label: 'HS256 keyed with the public key',
      headers: bearer(
        await new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256', kid: t.keys.kid })
          .sign(new TextEncoder().encode(JSON.stringify(t.keys.publicJwk))),
      ),
    },
    {
      label: 'wrong audience',
      headers: bearer(await mintToken(t.keys, userId, { iat, aud: 'other' })),
    },
    {
      label: 'wrong issuer',
      headers: bearer(await mintToken(t.keys, userId, { iat, iss: 'evil' })),
    },
    {
      label: 'expired',
      headers: bearer(await mintToken(t.keys, userId, { iat: iat - 7200, ttl: 600 })),
    },
    {
      label: 'lives over an hour',
      headers: bearer(await mintToken(t.keys, userId, { iat, ttl: 7200 })),
    },
    { label: 'another key, same kid', headers: bearer(await mintToken(other, userId, { iat })) },
    {
      label: 'unknown kid',
      headers: bearer(await mintToken({ ...other, kid: 'key-unknown' }, userId, { iat })),
    },
    { label: 'the platform secret key', headers: bearer(SECRET_KEY) },
    { label: 'two tokens', headers: { authorization: `Bearer ${valid} ${valid}` } },
    { label: 'huge', headers: bearer('a'.repeat(9000)) },
    {
      label: 'token in cookies only',
      headers: {
        cookie: `token=${valid}; access_token=${valid}; authorization=Bearer%20${valid}; settle=${valid}`,
      },
    },
  ];
}

/** Credentials that an admin route must refuse with 401: anything but a platform secret key. */
export async function badPlatformCredentials(t: TestApp, userId: string): Promise<Credential[]> {
  const user = await mintToken(t.keys, userId, { iat: Math.floor(t.clock.now / 1000) });
  return [
    { label: 'none', headers: {} },
    { label: 'a user token', headers: { authorization: `Bearer ${user}` } },
    { label: 'unknown secret key', headers: { authorization: 'Bearer sk_test_not_the_key' } },
    {
      label: 'a prefix of the key',
      headers: { authorization: `Bearer ${SECRET_KEY.slice(0, -1)}` },
    },
    { label: 'the key and more', headers: { authorization: `Bearer ${SECRET_KEY}x` } },
    { label: 'Basic', headers: { authorization: `Basic ${btoa(`${SECRET_KEY}:`)}` } },
    { label: 'the key without scheme', headers: { authorization: SECRET_KEY } },
    {
      label: 'the key in a cookie',
      headers: { cookie: `key=${SECRET_KEY}; authorization=Bearer%20${SECRET_KEY}` },
    },
  ];
}
