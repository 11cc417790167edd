import { decodeJwt, decodeProtectedHeader, errors, type JSONWebKeySet, jwtVerify } from 'jose';
import { unauthenticated } from '../http/errors.js';
import { maskCardNumbers } from '../http/mask.js';
import {
  inlinePlatformKeys,
  type PlatformKeys,
  PlatformKeysUnavailable,
  remotePlatformKeys,
} from './platform-keys.js';

/** Asymmetric algorithms only: HS* would let anyone holding the public key sign tokens. */
export const USER_TOKEN_ALGORITHMS = ['ES256', 'EdDSA', 'RS256'];
export const CLOCK_SKEW_S = 60;
/** The `iss` of the tokens `settle token` signs with a data folder's dev key. */
export const DEV_PLATFORM_ID = 'settle-dev';
const MAX_LIFETIME_S = 3600;
const CACHE_SIZE = 10_000;

export interface UserTokenOptions {
  /** The platform id, expected in `iss`. */
  issuer: string;
  /** The platform's public keys, inline... */
  jwks?: JSONWebKeySet;
  /** ...or at a URL (fetched again in the background every minute, and on an unknown `kid`). */
  jwksUrl?: string;
  now?: () => number;
  /** Where a failing `jwksUrl` is reported. */
  log?: (line: Record<string, unknown>) => void;
}

/**
 * What a user id may be: a token's `sub`, and so whom money can be sent to or asked of. A NUL
 * could not even be stored by PostgreSQL; a lone surrogate (`\ud800`) would be stored as
 * U+FFFD, making several user ids one account.
 */
export const isUserId = (id: string) =>
  id.length > 0 && id.length <= 255 && !id.includes('\u0000') && !/\p{Surrogate}/u.test(id);

export interface VerifiedUser {
  userId: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  issuedAt: number;
}

/**
 * Verifies platform user tokens (SPEC: Trust model). Verified tokens are cached until they
 * expire, or until keys fetched from `jwksUrl` change: signature checks cost more than the
 * rest of a request. Requests never wait for a refresh of those keys, only for the first fetch.
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
  log = () => undefined,
}: UserTokenOptions): (token: string) => Promise<VerifiedUser> {
  let keys: PlatformKeys;
  if (jwks) keys = inlinePlatformKeys(jwks);
  else if (jwksUrl) keys = remotePlatformKeys(jwksUrl, { now, log });
  else throw new Error('User tokens need platform keys: set `jwks` or `jwksUrl`.');

  // Each token with the key set it was verified under: once that set is replaced, the key
  // that signed it may be gone. A check still running when new keys land stores the older set,
  // so its token is not served from here under the new one.
  const cache = new Map<string, { user: VerifiedUser; generation: number }>();

  return async function verifyUserToken(token) {
    try {
      await keys.ready();
    } catch (error) {
      throw unauthenticated(describe(error));
    }
    const generation = keys.generation();
    const nowS = Math.floor(now() / 1000);
    const hit = cache.get(token);
    if (hit) {
      if (hit.generation === generation && nowS <= hit.user.expiresAt + CLOCK_SKEW_S) {
        return hit.user;
      }
      cache.delete(token);
    }
    let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
    try {
      ({ payload } = await jwtVerify(token, keys.getKey, {
        issuer,
        audience: 'settle',
        algorithms: USER_TOKEN_ALGORITHMS,
        clockTolerance: CLOCK_SKEW_S,
        requiredClaims: ['sub', 'exp', 'iat'],
        currentDate: new Date(now()),
      }));
    } catch (error) {
      throw unauthenticated(
        error instanceof errors.JWKSNoMatchingKey ? noMatchingKey(token, issuer) : describe(error),
      );
    }
    const { sub, exp, iat } = payload as { sub: unknown; exp: number; iat: number };
    // JWT says `sub` is a string; platforms with numeric user ids must send "42", not 42.
    if (typeof sub !== 'string') {
      throw unauthenticated('The token\'s `sub` must be a string: the user id, e.g. "42".');
    }
    if (!isUserId(sub)) {
      throw unauthenticated('The token has no valid `sub`.');
    }
    if (exp - iat > MAX_LIFETIME_S) {
      throw unauthenticated('The token lives longer than 1 hour: mint shorter-lived tokens.');
    }
    if (iat > nowS + CLOCK_SKEW_S) throw unauthenticated('The token was issued in the future.');
    const user = { userId: sub, expiresAt: exp, issuedAt: iat };
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(token, { user, generation });
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
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return 'The token signature is invalid.';
  }
  if (error instanceof PlatformKeysUnavailable || error instanceof errors.JWKSTimeout) {
    return 'The platform keys could not be fetched.';
  }
  return 'The token is malformed or not signed by the platform.';
}

/**
 * Which key the token asked for, and where a dev token came from: a `settle token` sent to a
 * server with the platform's own keys, or made with another data folder's dev key, is the
 * usual cause. Only the token's own `kid` (card numbers masked, as in any client text quoted
 * back) and `iss` are named.
 */
function noMatchingKey(token: string, issuer: string): string {
  let kid: unknown;
  let iss: unknown;
  try {
    kid = decodeProtectedHeader(token).kid;
    iss = decodeJwt(token).iss;
  } catch {
    // A payload that is not JSON: the header alone says which key.
  }
  if (iss === DEV_PLATFORM_ID) {
    return issuer === DEV_PLATFORM_ID
      ? "No platform key matches the token: its dev key is not this server's data folder's. Run `settle token` with the --data of `settle serve`."
      : "No platform key matches the token: `settle token` signs with the dev key, and this server trusts only your platform's keys. Sign user tokens with your own key.";
  }
  return typeof kid === 'string' && kid.length <= 100
    ? `No platform key matches the token's \`kid\` ${JSON.stringify(maskCardNumbers(kid))}.`
    : 'No platform key matches the token.';
}
