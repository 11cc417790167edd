import type { MiddlewareHandler } from 'hono';
import { maskCardNumbers } from './mask.js';

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
      // Unmatched paths are logged as sent, to show what clients ask for, minus card numbers.
      path: c.req.routePath === '/*' ? maskCardNumbers(c.req.path.slice(0, 200)) : c.req.routePath,
      status: c.res.status,
      ms: Math.round(performance.now() - start),
      requestId: c.get('requestId'),
    });
  };
