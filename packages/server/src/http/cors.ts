import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

export interface ApiCorsOptions {
  /** Whether a browser page of this origin may read the API's answers. */
  isAllowed: (origin: string) => boolean;
  allowHeaders: string[];
  allowMethods: string[];
  exposeHeaders: string[];
  /** Seconds a browser may keep a preflight's answer. */
  maxAge: number;
}

/**
 * CORS, as Hono's `cors` does it: Hono's answers the preflights (OPTIONS); every other answer
 * gets the same headers once it is made. Hono's sets them on a placeholder answer before the
 * route runs and copies them into the real one after, which makes `@hono/node-server` build
 * two web `Response`s per request.
 *
 * @example
 * app.use('/v1/*', apiCors({ isAllowed: (o) => o === 'https://chat.example', ... }));
 */
export function apiCors({ isAllowed, ...headers }: ApiCorsOptions): MiddlewareHandler {
  // Server-to-server calls send no Origin: nothing to check.
  const allowOrigin = (origin: string) => (origin && isAllowed(origin) ? origin : null);
  const preflight = cors({ ...headers, origin: allowOrigin });
  const expose = headers.exposeHeaders.join(',');
  return async function apiCors(c, next) {
    if (c.req.method === 'OPTIONS') return preflight(c, next);
    await next();
    const answer = c.res.headers;
    const origin = allowOrigin(c.req.header('origin') ?? '');
    if (origin) answer.set('Access-Control-Allow-Origin', origin);
    if (expose) answer.set('Access-Control-Expose-Headers', expose);
    answer.append('Vary', 'Origin');
  };
}
