import {
  errorFromResponse,
  retryAfterMs,
  SettleConnectionError,
  SettleError,
  SettleTimeoutError,
} from './errors.js';
import type { tokenCache } from './token.js';

/** Per-call options of every method. */
export interface RequestOptions {
  /** Aborts the call (and its retries); the call then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Milliseconds to wait for each attempt before giving up on it. */
  timeout?: number;
  /** How many times a safe call is retried after a network error, a 5xx or a 429. */
  maxRetries?: number;
}

/** Options of calls that move money: they carry an `Idempotency-Key`. */
export interface IdempotentRequestOptions extends RequestOptions {
  /**
   * Makes the call safe to repeat: the server answers a repeat with the first result.
   * Defaults to a random UUID per call, reused by every retry of that call.
   */
  idempotencyKey?: string;
}

export interface Call {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Only calls with a key (and GETs) are retried: the server runs a keyed call once. */
  idempotencyKey?: string;
}

export interface TransportConfig {
  baseUrl: string;
  tokens: ReturnType<typeof tokenCache>;
  fetch: typeof fetch;
  maxRetries: number;
  timeout: number;
  deviceId?: string | undefined;
}

/** A 429 asking for a longer wait than this is reported instead of waited out. */
const MAX_RETRY_AFTER_MS = 60_000;

const retryableStatus = (status: number) => status === 408 || status === 429 || status >= 500;

/** Exponential backoff from 0.5 s up to 8 s, less up to 25 % jitter so clients spread out. */
export const backoff = (attempt: number, base = 500, max = 8000) =>
  Math.min(base * 2 ** attempt, max) * (1 - Math.random() * 0.25);

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      signal?.removeEventListener('abort', abort);
      resolve();
    };
    const abort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', abort, { once: true });
  });
}

/** `baseUrl` + `path` + the defined query parameters. */
export function urlOf(baseUrl: string, path: string, query: Call['query'] = {}) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) params.set(name, String(value));
  }
  const search = params.size ? `?${params}` : '';
  return `${baseUrl.replace(/\/+$/, '')}${path}${search}`;
}

/**
 * Sends calls with the user token, a timeout per attempt, retries of safe calls with
 * backoff, one token refresh after a 401, and API errors turned into `SettleApiError`s.
 */
export function createTransport(config: TransportConfig) {
  return async function request<T>(call: Call, options: RequestOptions = {}): Promise<T> {
    const { signal } = options;
    const retryable = call.method === 'GET' || call.idempotencyKey !== undefined;
    const maxRetries = retryable ? (options.maxRetries ?? config.maxRetries) : 0;
    const timeout = options.timeout ?? config.timeout;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (call.body !== undefined) headers['Content-Type'] = 'application/json';
    if (call.idempotencyKey !== undefined) headers['Idempotency-Key'] = call.idempotencyKey;
    if (config.deviceId !== undefined) headers['Settle-Device'] = config.deviceId;
    let refreshed = false;

    for (let attempt = 0; ; attempt++) {
      let token: string;
      try {
        token = await config.tokens.get();
      } catch (cause) {
        throw new SettleError('getToken failed', { cause });
      }
      const timer = AbortSignal.timeout(timeout);
      let res: Response;
      let data: T | undefined;
      try {
        res = await config.fetch(urlOf(config.baseUrl, call.path, call.query), {
          method: call.method,
          headers: { ...headers, Authorization: `Bearer ${token}` },
          ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
          signal: signal ? AbortSignal.any([signal, timer]) : timer,
        });
        // Read here, so a connection that drops mid-body counts as a network failure, and so
        // does a 2xx that is not JSON: a captive portal's or a proxy's page, not Settle's answer.
        const text = res.ok ? await res.text() : '';
        if (text) data = JSON.parse(text) as T;
      } catch (cause) {
        if (signal?.aborted) throw signal.reason;
        const error = timer.aborted
          ? new SettleTimeoutError(`No answer within ${timeout} ms`, { cause })
          : new SettleConnectionError(
              cause instanceof SyntaxError
                ? 'The answer was not from Settle'
                : 'Could not reach Settle',
              { cause },
            );
        if (attempt >= maxRetries) throw error;
        await sleep(backoff(attempt), signal);
        continue;
      }
      if (res.ok) return data as T;
      if (res.status === 401 && !refreshed) {
        // Expired or revoked on the server's side: one fresh token, not counted as a retry.
        refreshed = true;
        await res.body?.cancel();
        config.tokens.refresh(token).catch(() => undefined);
        attempt--;
        continue;
      }
      const error = await errorFromResponse(res);
      const wait = retryAfterMs(res.headers);
      if (attempt >= maxRetries || !retryableStatus(res.status) || wait > MAX_RETRY_AFTER_MS) {
        throw error;
      }
      await sleep(wait || backoff(attempt), signal);
    }
  };
}

export type Transport = ReturnType<typeof createTransport>;
