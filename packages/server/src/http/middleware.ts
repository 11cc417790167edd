import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { maskClientKey } from './mask.js';

/**
 * One line per request: method, route, status, duration and request id. Never bodies,
 * query strings or headers, which may carry card data, codes or tokens.
 */
export const accessLog = ({
  log,
}: {
  log: (line: Record<string, unknown>) => void;
}): MiddlewareHandler =>
  async function accessLog(c, next) {
    const start = performance.now();
    await next();
    log({
      event: 'request',
      method: c.req.method,
      // The route asked for, even when a middleware answered (a 401); a path that is no route
      // (only middleware, `app.use`'s ALL, matched it) is logged to show what clients ask for,
      // minus any run of digits a PIN, an SMS code or a card number could be.
      path:
        matchedRoutes(c).find((route) => route.method !== 'ALL')?.path ??
        maskClientKey(c.req.path.slice(0, 200)),
      status: c.res.status,
      ms: Math.round(performance.now() - start),
      requestId: c.get('requestId'),
    });
  };
