import { type EventHandler, type SubscribeOptions, subscribeToEvents } from './events.js';
import { createTransport, type TransportConfig } from './http.js';
import { accountResource } from './resources/account.js';
import { authorizationsResource } from './resources/authorizations.js';
import { requestsResource } from './resources/requests.js';
import { transfersResource } from './resources/transfers.js';
import { tokenCache } from './token.js';

export interface SettleOptions {
  /** The Settle server, for example `https://settle.chat.example`. */
  baseUrl: string;
  /**
   * Returns the current user's token, minted by your platform's server. Called when first
   * needed, again shortly before the token's `exp`, and again when the server refuses it.
   */
  getToken: () => string | Promise<string>;
  /** A `fetch` to use instead of the global one (tests, proxies, instrumentation). */
  fetch?: typeof fetch;
  /** Retries of safe calls after a network error, a 5xx or a 429. Default 2. */
  maxRetries?: number;
  /** Milliseconds to wait for each attempt. Default 30 000. */
  timeout?: number;
  /**
   * An id you keep for this browser or app install (8 to 128 letters, digits, `_`, `-`),
   * sent as `Settle-Device`. Once a user confirmed a payment with their PIN on one device,
   * the first payment from any other device needs the PIN too (the new-device rule).
   */
  deviceId?: string;
}

/**
 * Creates a Settle client for one user of your chat app.
 *
 * @example
 * const settle = createSettle({
 *   baseUrl: 'https://settle.chat.example',
 *   getToken: () => fetch('/api/settle-token').then((res) => res.text()),
 * });
 * const account = await settle.account.get();
 */
export function createSettle({
  baseUrl,
  getToken,
  // Looked up per call, so a fetch patched after creation (tests, tracing) is used.
  fetch: fetcher = (input, init) => fetch(input, init),
  maxRetries = 2,
  timeout = 30_000,
  deviceId,
}: SettleOptions) {
  const config: TransportConfig = {
    baseUrl,
    deviceId,
    tokens: tokenCache(getToken),
    fetch: fetcher,
    maxRetries,
    timeout,
  };
  const request = createTransport(config);
  return {
    account: accountResource(request),
    authorizations: authorizationsResource(request),
    transfers: transfersResource(request),
    requests: requestsResource(request),
    /**
     * Live updates of the user's transfers, requests and account, as they happen.
     * Returns the function that stops them.
     *
     * @example
     * const unsubscribe = settle.subscribe((event) => {
     *   if (event.type === 'transfer.updated') updateBubble(event.data);
     * });
     */
    subscribe: (handler: EventHandler, options?: SubscribeOptions) =>
      subscribeToEvents(config, handler, options),
  };
}

/** A client made by `createSettle`. */
export type Settle = ReturnType<typeof createSettle>;
