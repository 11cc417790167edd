import type { MiddlewareHandler } from 'hono';
import type { VerifiedUser } from '../auth/user-token.js';
import { unauthenticated } from './errors.js';

declare module 'hono' {
  interface ContextVariableMap {
    userId: string;
    /** When the user token expires, in seconds since the epoch: long streams end then. */
    tokenExpiresAt: number;
    /** When the user token was issued (`iat`, seconds): open streams end if it is revoked. */
    tokenIssuedAt: number;
  }
}

/**
 * The bearer credential; tokens travel only in this header, never in cookies. The scheme's
 * name is case-insensitive (RFC 9110 11.1): some HTTP clients send `bearer`.
 */
export function bearer(header: string | undefined): string | undefined {
  const match = header?.match(/^bearer +([\x21-\x7e]{1,8192})$/i);
  return match?.[1];
}

/**
 * Requires a platform user token and sets `userId`.
 *
 * @example
 * app.use('/v1/account/*', requireUser({ verify }));
 */
export const requireUser = ({
  verify,
  isRevoked,
}: {
  verify: (token: string) => Promise<VerifiedUser>;
  /** True for tokens the user revoked ("secure my account"). */
  isRevoked?: (userId: string, issuedAt: number) => Promise<boolean>;
}): MiddlewareHandler =>
  async function requireUser(c, next) {
    const token = bearer(c.req.header('Authorization'));
    if (!token) throw unauthenticated('Send the user token as `Authorization: Bearer <token>`.');
    if (token.startsWith('sk_')) {
      throw unauthenticated('Secret keys are for the platform server, not for user calls.');
    }
    const { userId, issuedAt, expiresAt } = await verify(token);
    if (await isRevoked?.(userId, issuedAt)) {
      throw unauthenticated('This session was signed out by “secure my account”. Sign in again.');
    }
    c.set('userId', userId);
    c.set('tokenExpiresAt', expiresAt);
    c.set('tokenIssuedAt', issuedAt);
    await next();
  };
