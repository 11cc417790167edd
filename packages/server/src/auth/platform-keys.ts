import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';

/**
 * How often keys at a URL are fetched again, in the background: a key the platform removes
 * (it leaked, or rotation is over) stops working about this long after, verified tokens too.
 */
export const JWKS_REFRESH_MS = 60_000;
/** Fetches a request waits for (an unknown `kid`, or no usable keys) happen at most this often. */
export const JWKS_COOLDOWN_MS = 30_000;
/**
 * While the URL fails, the last keys it served stay in use this long after they were fetched
 * (jose's own cache age); then tokens are refused until it answers again. Longer would let
 * whoever can take the URL down keep a removed key alive.
 */
export const JWKS_MAX_STALE_MS = 10 * 60_000;

/** The platform's keys could not be fetched, and none recent enough are known. */
export class PlatformKeysUnavailable extends Error {
  override name = 'PlatformKeysUnavailable';
}

export interface PlatformKeys {
  /** For `jwtVerify`. */
  getKey: JWTVerifyGetKey;
  /** Changes whenever the key set does: what was verified under another one may be stale. */
  generation(): number;
  /**
   * Starts a refresh in the background when one is due, and waits only when no usable keys
   * are known (the first fetch); throws `PlatformKeysUnavailable` if there are still none.
   */
  ready(): Promise<void>;
}

export const inlinePlatformKeys = (jwks: JSONWebKeySet): PlatformKeys => ({
  getKey: createLocalJWKSet(jwks),
  generation: () => 0,
  ready: async () => undefined,
});

/**
 * The platform's keys at `url`, fetched by jose (5 s timeout, no redirects) and kept here, so
 * that requests verify against the last good set while a refresh runs or fails. A failed
 * refresh is logged once per streak of failures, with the error's class and jose's message
 * only: never a token.
 */
export function remotePlatformKeys(
  url: string,
  { now, log }: { now: () => number; log: (line: Record<string, unknown>) => void },
): PlatformKeys {
  const remote = createRemoteJWKSet(new URL(url));
  let local: JWTVerifyGetKey | undefined;
  let seen: string | undefined;
  let generation = 0;
  let fetchedAt = 0;
  let triedAt = 0;
  let failing = false;
  let pending: Promise<void> | undefined;
  // A clock set back (an NTP step) makes a refresh due, and the keys no older than fetched.
  const due = (t: number, ms: number) => !t || now() - t >= ms || now() < t;
  const usable = () => local !== undefined && now() - fetchedAt <= JWKS_MAX_STALE_MS;

  function refresh(): Promise<void> {
    pending ??= (async () => {
      triedAt = now();
      try {
        await remote.reload();
        const jwks = remote.jwks();
        const text = JSON.stringify(jwks);
        if (jwks && text !== seen) {
          seen = text;
          local = createLocalJWKSet(jwks);
          generation++;
        }
        fetchedAt = now();
        if (failing) log({ event: 'platform_keys.refresh_recovered' });
        failing = false;
      } catch (error) {
        if (!failing) {
          const { name, message, cause } =
            error instanceof Error ? error : new Error(String(error));
          // fetch's own message is only "fetch failed": its cause says why (ECONNREFUSED host:port).
          const why = cause instanceof Error ? `${message}: ${cause.message}` : message;
          log({ event: 'platform_keys.refresh_failed', error: name, message: why.slice(0, 200) });
        }
        failing = true;
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  }

  async function ready() {
    if (usable()) {
      if (due(triedAt, JWKS_REFRESH_MS)) void refresh();
      return;
    }
    if (pending || due(triedAt, JWKS_COOLDOWN_MS)) await refresh();
    if (!usable()) throw new PlatformKeysUnavailable('The platform keys could not be fetched.');
  }

  return {
    generation: () => generation,
    ready,
    async getKey(header, token) {
      if (!local) await ready();
      try {
        return await (local as JWTVerifyGetKey)(header, token);
      } catch (error) {
        // A key published since the last fetch: worth a fetch now, at most every 30 s.
        if (!(error instanceof errors.JWKSNoMatchingKey) || !due(triedAt, JWKS_COOLDOWN_MS)) {
          throw error;
        }
        await refresh();
        return (local as JWTVerifyGetKey)(header, token);
      }
    },
  };
}
