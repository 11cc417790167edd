/** Asks for a new token this long before the current one expires. */
const REFRESH_MARGIN_MS = 30_000;

/** The `exp` claim of a JWT in milliseconds, read without verifying (the server verifies). */
export function tokenExpiry(token: string): number | undefined {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Caches the platform's user token: `getToken` runs once, again when the token nears its
 * `exp`, and again when the server refused it (`refresh()`). Concurrent callers share one
 * pending `getToken` call.
 */
export function tokenCache(getToken: () => string | Promise<string>) {
  let pending: Promise<string> | undefined;
  let value: string | undefined;
  let expiresAt: number | undefined;

  const fetchToken = () => {
    value = expiresAt = undefined;
    const request: Promise<string> = Promise.resolve()
      .then(getToken)
      .then((token) => {
        if (pending === request) [value, expiresAt] = [token, tokenExpiry(token)];
        return token;
      });
    // A failed getToken is not cached: the next call asks again.
    request.catch(() => {
      if (pending === request) pending = undefined;
    });
    pending = request;
    return request;
  };

  return {
    get(): Promise<string> {
      const stale = expiresAt !== undefined && expiresAt - Date.now() < REFRESH_MARGIN_MS;
      return pending && !stale ? pending : fetchToken();
    },
    /** After the server refused `token`: a new one, fetched once however many calls ask. */
    refresh(token: string): Promise<string> {
      return pending && value !== token ? pending : fetchToken();
    },
  };
}
