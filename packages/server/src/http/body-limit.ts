import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';

/**
 * Refuses request bodies over `maxSize` bytes with a 413 `HTTPException`. A body announced
 * with Content-Length (Node's parser never reads past it) is judged by that header; only a
 * body sent in chunks is counted as it arrives, by Hono's `bodyLimit`. Hono's alone reads
 * `c.req.raw.body` on every request, which makes `@hono/node-server` build a web `Request` and
 * stream around Node's request: about a tenth of the server's work on a small POST.
 *
 * @example
 * app.use('/v1/*', limitBody(16 * 1024));
 */
export function limitBody(maxSize: number): MiddlewareHandler {
  const tooLarge = () => {
    throw new HTTPException(413);
  };
  const counted = bodyLimit({ maxSize, onError: tooLarge });
  return async function limitBody(c, next) {
    // As Hono's: requests of these methods have no body to limit.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) {
      return counted(c, next);
    }
    return Number.parseInt(length, 10) > maxSize ? tooLarge() : next();
  };
}
