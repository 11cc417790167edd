import type { MiddlewareHandler } from 'hono';
import { invalid } from './errors.js';

/** Whether JSON `text` has a `__proto__` key anywhere, however its characters are escaped. */
export function hasProtoKey(text: string): boolean {
  // Cheap test first: the key is written plainly or with \u escapes.
  if (!text.includes('proto') && !text.includes('\\u')) return false;
  let found = false;
  try {
    JSON.parse(text, (key, value) => {
      if (key === '__proto__') found = true;
      return value;
    });
  } catch {
    return false; // not JSON: the route's validation says so
  }
  return found;
}

/**
 * Refuses JSON bodies with a `__proto__` key. Validation would not: objects drop such a key
 * (it names the prototype), so the request would succeed with part of it silently ignored.
 */
export const refuseProtoKeys: MiddlewareHandler = async (c, next) => {
  if (c.req.header('content-type')?.includes('json') && hasProtoKey(await c.req.text())) {
    throw invalid('parameter_invalid', '`__proto__` is not allowed as a key.');
  }
  return next();
};
