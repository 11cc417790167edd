import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { unauthenticated } from '../http/errors.js';

/** Asymmetric algorithms only: HS* would let anyone holding the public key sign tokens. */
export const USER_TOKEN_ALGORITHMS = ['ES256', 'EdDSA', 'RS256'];
export const CLOCK_SKEW_S = 60;
const MAX_LIFETIME_S = 3600;
const CACHE_SIZE = 10_000;
/**
 * With keys at a URL, how often they are fetched again: a key the platform removes (it leaked,
 * or rotation is over) stops working within this, for tokens already verified too.
 */
export const JWKS_REFRESH_MS = 60_000;

export interface UserTokenOptions {
  /** The platform id, expected in `iss`. */
  issuer: string;
  /** The platform's public keys, inline... */
  jwks?: JSONWebKeySet;
  /** ...or at a URL (cached and refreshed by jose on an unknown `kid`). */
  jwksUrl?: string;
  now?: () => number;
}

export interface VerifiedUser {
  userId: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  issuedAt: number;
}

/**
 * Verifies platform user tokens (SPEC: Trust model). Verified tokens are cached until they
 * expire, or until keys fetched from `jwksUrl` change: signature checks cost more than the
 * rest of a request.
 *
 * @example
 * const verify = createUserTokenVerifier({ issuer: 'chat.example', jwks });
 * const { userId } = await verify(bearerToken);
 */
export function createUserTokenVerifier({
  issuer,
  jwks,
  jwksUrl,
  now = Date.now,
}: UserTokenOptions): (token: string) => Promise<VerifiedUser> {
  let keys: JWTVerifyGetKey;
  let remote: ReturnType<typeof createRemoteJWKSet> | undefined;
  if (jwks) keys = createLocalJWKSet(jwks);
  else if (jwksUrl) keys = remote = createRemoteJWKSet(new URL(jwksUrl));
  else throw new Error('User tokens need platform keys: set `jwks` or `jwksUrl`.');

  const cache = new Map<string, VerifiedUser>();
  let keysFetchedAt = now();
  // Compared with the keys as of the last refresh, not just before this one: jose also fetches
  // them itself (an unknown `kid`, or its cache aged), and a key it found removed must empty
  // the cache too.
  let keysSeen: string | undefined;

  /** Fetches the keys at `jwksUrl` again when due; tokens verified before a change are not kept. */
  async function refreshKeys() {
    if (!remote || now() - keysFetchedAt < JWKS_REFRESH_MS) return;
    keysFetchedAt = now();
    // Unreachable: the keys known so far stay in use, as with an unknown `kid`.
    await remote.reload().catch(() => undefined);
    const keys = JSON.stringify(remote.jwks() ?? null);
    if (keys !== keysSeen) cache.clear();
    keysSeen = keys;
  }

  return async function verifyUserToken(token) {
    await refreshKeys();
    const nowS = Math.floor(now() / 1000);
    const cached = cache.get(token);
    if (cached) {
      if (nowS <= cached.expiresAt + CLOCK_SKEW_S) return cached;
      cache.delete(token);
    }
    let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer,
        audience: 'settle',
        algorithms: USER_TOKEN_ALGORITHMS,
        clockTolerance: CLOCK_SKEW_S,
        requiredClaims: ['sub', 'exp', 'iat'],
        currentDate: new Date(now()),
      }));
    } catch (error) {
      throw unauthenticated(describe(error));
    }
    const { sub, exp, iat } = payload as { sub: unknown; exp: number; iat: number };
    // JWT says `sub` is a string; platforms with numeric user ids must send "42", not 42.
    if (typeof sub !== 'string') {
      throw unauthenticated('The token\'s `sub` must be a string: the user id, e.g. "42".');
    }
    // A NUL could not even be stored by PostgreSQL; a lone surrogate (`\ud800`) would be stored
    // as U+FFFD, making several user ids one account.
    if (!sub || sub.length > 255 || sub.includes('\u0000') || /\p{Surrogate}/u.test(sub)) {
      throw unauthenticated('The token has no valid `sub`.');
    }
    if (exp - iat > MAX_LIFETIME_S) {
      throw unauthenticated('The token lives longer than 1 hour: mint shorter-lived tokens.');
    }
    if (iat > nowS + CLOCK_SKEW_S) throw unauthenticated('The token was issued in the future.');
    const user = { userId: sub, expiresAt: exp, issuedAt: iat };
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(token, user);
    return user;
  };
}

/** A clear reason for the developer, without echoing the token. */
function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The token has expired.';
  if (error instanceof errors.JWTClaimValidationFailed) {
    return `The token's \`${error.claim}\` claim is invalid (${error.reason}).`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return `Token algorithm not allowed: use one of ${USER_TOKEN_ALGORITHMS.join(', ')}.`;
  }
  if (error instanceof errors.JWKSNoMatchingKey) return 'No platform key matches the token.';
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return 'The token signature is invalid.';
  }
  if (error instanceof errors.JWKSTimeout) return 'The platform keys could not be fetched.';
  return 'The token is malformed or not signed by the platform.';
}
