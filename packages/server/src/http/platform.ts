import type { MiddlewareHandler } from 'hono';
import { createSecretKeyCheck } from '../auth/secret-key.js';
import { bearer } from './auth.js';
import { unauthenticated } from './errors.js';

/**
 * Requires a platform secret key (`sk_...`): admin calls come from the platform's server,
 * never from a browser with a user token.
 *
 * @example
 * app.use('/v1/admin/*', requirePlatform({ secretKeys: ['sk_live_...'] }));
 */
export const requirePlatform = ({ secretKeys }: { secretKeys: string[] }): MiddlewareHandler => {
  const isPlatformKey = createSecretKeyCheck(secretKeys);
  return async function requirePlatform(c, next) {
    const key = bearer(c.req.header('Authorization'));
    if (key?.startsWith('sk_') && !isPlatformKey(key)) {
      // Most often a key a rotation removed, or one of another deployment: never shown back.
      throw unauthenticated('This secret key is not one of the server’s (SETTLE_SECRET_KEYS).');
    }
    if (!key || !isPlatformKey(key)) {
      throw unauthenticated(
        'Admin calls need a platform secret key: `Authorization: Bearer sk_...`.',
      );
    }
    await next();
  };
};
