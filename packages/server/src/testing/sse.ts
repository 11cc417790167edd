import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { serve } from '@hono/node-server';
import { type EventSourceMessage, EventSourceParserStream } from 'eventsource-parser/stream';
import type { ErrorBody } from '../http/errors.js';

/** Serves `app` on a real HTTP server on a free port of 127.0.0.1. */
export async function listenHttp(app: {
  fetch: (request: Request) => Response | Promise<Response>;
}) {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}

const TIMEOUT = Symbol('timeout');

/**
 * An SSE connection read the way a browser's EventSource reads it (eventsource-parser),
 * over a real HTTP connection.
 */
export async function openEvents(url: string, token: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  if (!res.ok || !res.body) {
    return {
      status: res.status,
      error: (await res.json()) as ErrorBody,
      messages: undefined,
    } as const;
  }
  let retry: number | undefined;
  const reader = res.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream({ onRetry: (ms) => (retry = ms) }))
    .getReader();
  let pending: ReturnType<typeof reader.read> | undefined;

  /** The next message, or `undefined` when none comes within `ms`. */
  async function next(ms: number): Promise<EventSourceMessage | undefined> {
    pending ??= reader.read();
    const timer = new AbortController();
    const result = await Promise.race([
      pending,
      delay(ms, TIMEOUT, { signal: timer.signal }).catch(() => TIMEOUT),
    ]);
    timer.abort();
    if (typeof result === 'symbol') return undefined;
    pending = undefined;
    if (result.done) throw new Error('The event stream ended.');
    return result.value;
  }

  return {
    status: res.status,
    headers: res.headers,
    error: undefined,
    messages: {
      next,
      /** The next `n` messages, each arriving within `ms` of the one before. */
      async take(n: number, ms = 1000) {
        const list: EventSourceMessage[] = [];
        for (let i = 0; i < n; i++) {
          const message = await next(ms);
          if (!message) throw new Error(`Got ${i} of ${n} events.`);
          list.push(message);
        }
        return list;
      },
      close: () => controller.abort(),
      /** The last `retry:` the server sent: how long to wait before reconnecting. */
      get retry() {
        return retry;
      },
    },
  } as const;
}
