import { createParser } from 'eventsource-parser';
import {
  errorFromResponse,
  retryAfterMs,
  SettleApiError,
  SettleConnectionError,
  SettleError,
} from './errors.js';
import { backoff, sleep, type TransportConfig, urlOf } from './http.js';
import type { SettleEvent } from './types.js';

/** Receives each event once, in order; `lastEventId` is where to resume from later. */
export type EventHandler = (event: SettleEvent, meta: { lastEventId: string | undefined }) => void;

export interface SubscribeOptions {
  /**
   * Resume after this event id (the `lastEventId` a handler was given, kept from an
   * earlier page load): the events the server kept since are delivered first. Undefined
   * (as `storage.getItem(key) || undefined` gives) starts afresh.
   */
  lastEventId?: string | undefined;
  /** Called each time the stream is connected, first time and after each reconnection. */
  onOpen?: (() => void) | undefined;
  /**
   * Called with each problem. The subscription reconnects after connection errors, 5xx
   * and 429; it stops after other errors (`fatal` is then true).
   */
  onError?: ((error: SettleError, fatal: boolean) => void) | undefined;
  /**
   * Reconnect when nothing, not even a keep-alive, arrived for this many milliseconds:
   * the connection died without closing. The server sends a keep-alive every 15 s.
   */
  idleTimeout?: number | undefined;
}

/** The reconnection delay never grows past this. */
const MAX_RECONNECT_DELAY_MS = 30_000;
/**
 * A connection up this long (the server's keep-alives come every 15 s), or one that brought
 * an event, worked: the next drop backs off from the start again. One that breaks sooner
 * counts as a failure, so a server that answers 200 and fails at once is not hammered.
 */
const STEADY_MS = 10_000;

const isNewer = (id: string, last: string | undefined) =>
  last === undefined || !/^\d+$/.test(id) || !/^\d+$/.test(last) || BigInt(id) > BigInt(last);

/**
 * Streams the user's live events over `GET /v1/events` (server-sent events read from a
 * fetch stream, so it runs wherever fetch streams do). Reconnects with exponential backoff
 * and jitter, sending `Last-Event-ID` so no event is missed, and never delivers an event
 * twice. Returns the function that ends the subscription.
 */
export function subscribeToEvents(
  config: TransportConfig,
  handler: EventHandler,
  { lastEventId, onOpen, onError, idleTimeout = 45_000 }: SubscribeOptions = {},
): () => void {
  const stop = new AbortController();
  let lastId = lastEventId;
  let failures = 0;
  // The `retry:` of the connection that just ended, for the next reconnection only (an
  // EventSource keeps it for all): Settle sends one when it closes a stream to make room
  // for a newer one of the same user, and a later drop should not wait as long.
  let serverRetry = 0;

  // The browser says the network is back (after a sleep, a tunnel, a new Wi-Fi): reconnect now,
  // not at the end of a backoff of up to 30 s, nor after `idleTimeout` on a connection made
  // over the network that went away. Outside browsers and workers there is no such event.
  // `networkBack`: the connection or attempt it ended did not break, and the failures before
  // it were the network's, so the next attempt goes out at once, not after a backoff.
  let reconnectNow = () => {};
  let networkBack = false;
  const scope = globalThis as unknown as Partial<Pick<EventTarget, 'addEventListener'>>;
  scope.addEventListener?.(
    'online',
    () => {
      networkBack = true;
      reconnectNow();
    },
    { signal: stop.signal },
  );

  const report = (error: SettleError, fatal = false) => {
    if (!stop.signal.aborted) onError?.(error, fatal);
  };

  // Set by `onId`, which runs just before `onEvent` for the same message.
  let replayed = false;
  const parser = createParser({
    onId(id) {
      // Id-only messages move the resume point too (a server may send one on connecting).
      replayed = id !== '' && !isNewer(id, lastId);
      if (id !== '' && !replayed) lastId = id;
    },
    onEvent(message) {
      const skip = (message.id !== undefined && replayed) || stop.signal.aborted;
      replayed = false;
      // Also after an unsubscribe from a handler: the rest of its chunk is not delivered.
      if (skip) return;
      let event: SettleEvent;
      try {
        event = JSON.parse(message.data) as SettleEvent;
      } catch (cause) {
        return report(new SettleError('An event could not be read', { cause }));
      }
      failures = 0;
      try {
        handler(event, { lastEventId: lastId });
      } catch (cause) {
        report(new SettleError('The event handler threw', { cause }));
      }
    },
    onRetry(ms) {
      serverRetry = ms;
    },
  });

  /** One connection, read until it ends: how long to wait before the next, or `false` to stop. */
  async function connect(): Promise<number | false> {
    const token = await config.tokens.get();
    // Unsubscribed while the token was coming: an abort listener added now would never fire.
    if (stop.signal.aborted) return false;
    const connection = new AbortController();
    const abort = () => connection.abort();
    stop.signal.addEventListener('abort', abort);
    reconnectNow = abort;
    let idle: ReturnType<typeof setTimeout> | undefined;
    const alive = () => {
      clearTimeout(idle);
      idle = setTimeout(abort, idleTimeout);
    };
    try {
      alive();
      const res = await config.fetch(urlOf(config.baseUrl, '/v1/events'), {
        headers: {
          Accept: 'text/event-stream',
          Authorization: `Bearer ${token}`,
          ...(lastId !== undefined ? { 'Last-Event-ID': lastId } : {}),
        },
        signal: connection.signal,
      });
      if (!res.ok || !res.body) {
        const error = await errorFromResponse(res);
        if (error instanceof SettleApiError && error.code === 'last_event_id_unknown') {
          // A resume point kept from another user or another server: start afresh instead.
          lastId = undefined;
          return 0;
        }
        if (res.status === 401) config.tokens.refresh(token).catch(() => undefined);
        const retry = res.status === 401 || res.status === 429 || res.status >= 500;
        report(error, !retry);
        return retry && retryAfterMs(res.headers);
      }
      onOpen?.();
      // An `online` event before this connection got through ended nothing: it may break later.
      networkBack = false;
      parser.reset();
      const opened = Date.now();
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (Date.now() - opened >= STEADY_MS) failures = 0;
        if (done) return 0;
        alive();
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch (cause) {
      if (!networkBack) report(new SettleConnectionError('The event stream broke', { cause }));
      return 0;
    } finally {
      clearTimeout(idle);
      stop.signal.removeEventListener('abort', abort);
    }
  }

  (async () => {
    while (!stop.signal.aborted) {
      networkBack = false;
      let wait: number | false;
      try {
        wait = await connect();
      } catch (cause) {
        // getToken failed: the app may be signing the user in again; keep trying.
        report(new SettleError('getToken failed', { cause }));
        wait = 0;
      }
      if (wait === false || stop.signal.aborted) return;
      if (networkBack) failures = 0;
      const delay = networkBack ? 0 : backoff(failures++, 500, MAX_RECONNECT_DELAY_MS);
      const waiting = new AbortController();
      reconnectNow = () => waiting.abort();
      stop.signal.addEventListener('abort', reconnectNow);
      const pause = Math.max(wait, serverRetry, delay);
      serverRetry = 0;
      await sleep(pause, waiting.signal).catch(() => undefined);
      stop.signal.removeEventListener('abort', reconnectNow);
    }
  })();

  return () => stop.abort();
}
