import { bypass, HttpResponse, http, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Settle } from './client.js';
import type { SettleError } from './errors.js';
import type { SubscribeOptions } from './events.js';
import {
  eur,
  eventually,
  STREAMS_PER_USER,
  startServer,
  type TestServer,
} from './testing/server.js';
import type { SettleEvent, Transfer } from './types.js';

let server: TestServer;
const network = setupServer();
beforeAll(async () => {
  server = await startServer();
  network.listen({ onUnhandledFrame: 'bypass' });
});
const subscriptions: Array<() => void> = [];
afterEach(() => {
  for (const unsubscribe of subscriptions.splice(0)) unsubscribe();
  network.resetHandlers();
});
afterAll(async () => {
  network.close();
  await server.close();
});

/** Subscribes and collects every event with its SSE id; resolves once connected. */
async function watch(settle: Settle, options: SubscribeOptions = {}) {
  const events: Array<{ event: SettleEvent; id: string | undefined }> = [];
  const errors: Array<{ error: SettleError; fatal: boolean }> = [];
  const connected = { times: 0 };
  let opened!: () => void;
  let failed!: (error: SettleError) => void;
  const open = new Promise<void>((resolve, reject) => {
    opened = resolve;
    failed = reject;
  });
  // Unhandled if the test never awaits `open`.
  open.catch(() => undefined);
  const unsubscribe = settle.subscribe(
    (event, { lastEventId }) => {
      events.push({ event, id: lastEventId });
    },
    {
      ...options,
      onOpen: () => {
        connected.times++;
        opened();
      },
      onError: (error, fatal) => {
        errors.push({ error, fatal });
        // A subscription that stopped will never open: fail the test now, with the reason.
        if (fatal) failed(error);
        options.onError?.(error, fatal);
      },
    },
  );
  subscriptions.push(unsubscribe);
  return { events, errors, open, connected, unsubscribe };
}

/** The newest state of each transfer the events told about. */
const transfersIn = (events: Array<{ event: SettleEvent }>) => {
  const latest = new Map<string, Transfer>();
  for (const { event } of events) {
    if (event.type === 'transfer.updated') latest.set(event.data.id, event.data);
  }
  return latest;
};

/** Waits until the events say each transfer completed; a failure lists what they said. */
const untilCompleted = (watcher: { events: Array<{ event: SettleEvent }> }, ids: string[]) =>
  eventually(
    async () => ({
      types: watcher.events.map((e) => e.event.type),
      transfers: Object.fromEntries(
        [...transfersIn(watcher.events)].map(([id, t]) => [id, t.status]),
      ),
    }),
    ({ transfers }) => ids.every((id) => transfers[id] === 'completed'),
  );

let users = 0;
async function pair() {
  const n = ++users;
  const sender = await server.enroll(`ev-sender-${n}`);
  const recipient = await server.enroll(`ev-recipient-${n}`);
  return { sender, recipient, recipientId: `ev-recipient-${n}` };
}

const send = (sender: Settle, recipientId: string) =>
  sender.transfers.create({ recipientId, amount: eur(300) }).then((t) => t.id);

describe('subscribe, against the real server', { timeout: 10_000 }, () => {
  it('shows both sides a transfer as it changes, with ids that only go up', async () => {
    const { sender, recipient, recipientId } = await pair();
    const bob = await watch(recipient);
    const alice = await watch(sender);
    await Promise.all([bob.open, alice.open]);
    const id = await send(sender, recipientId);
    await untilCompleted(bob, [id]);
    await untilCompleted(alice, [id]);
    const event = bob.events.find((e) => e.event.type === 'transfer.updated')?.event;
    expect(event).toMatchObject({ id: expect.stringMatching(/^ev_/), data: { id } });
    const ids = bob.events.map((e) => BigInt(e.id ?? -1));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : 1)));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('resumes after the lastEventId of an earlier subscription', async () => {
    const { sender, recipient, recipientId } = await pair();
    const first = await watch(recipient);
    await first.open;
    const early = await send(sender, recipientId);
    await untilCompleted(first, [early]);
    const resumeFrom = first.events.at(-1)?.id;
    first.unsubscribe();

    const late = await send(sender, recipientId);
    const second = await watch(recipient, { lastEventId: resumeFrom });
    await untilCompleted(second, [late]);
    expect(transfersIn(second.events).has(early)).toBe(false);
  });

  it('starts afresh when given another user’s lastEventId, instead of waiting forever', async () => {
    const { sender, recipient, recipientId } = await pair();
    // Bob has a handful of events: 100000 is someone else's resume point.
    const bob = await watch(recipient, { lastEventId: '100000' });
    await bob.open;
    const id = await send(sender, recipientId);
    await untilCompleted(bob, [id]);
    expect(bob.errors).toEqual([]);
  });

  it('delivers nothing after unsubscribe', async () => {
    const { sender, recipient, recipientId } = await pair();
    const bob = await watch(recipient);
    await bob.open;
    bob.unsubscribe();
    const watcher = await watch(recipient);
    await watcher.open;
    const id = await send(sender, recipientId);
    await untilCompleted(watcher, [id]);
    // Bob may have had the replay of his enrollment, but nothing after he left.
    expect(transfersIn(bob.events).has(id)).toBe(false);
  });

  it('opens no stream when unsubscribed while the token is still coming', async () => {
    // As React's StrictMode does: subscribe, unsubscribe at once, subscribe again.
    const { sender, recipient, recipientId } = await pair();
    let tokenArrives!: () => void;
    const slowToken = new Promise<void>((resolve) => {
      tokenArrives = resolve;
    });
    const slow = server.settleFor(recipientId, {
      getToken: async () => {
        await slowToken;
        return server.token(recipientId);
      },
    });
    const left = await watch(slow);
    left.unsubscribe();
    tokenArrives();
    const bob = await watch(recipient);
    await bob.open;
    const id = await send(sender, recipientId);
    await untilCompleted(bob, [id]);
    expect(left.connected.times).toBe(0);
    expect(left.events).toEqual([]);
  });
});

const encoder = new TextEncoder();
/** msw sends a mocked response's headers with its first bytes: an SSE comment opens it. */
const opening = () => encoder.encode(': connected\n\n');

/** Cuts a stream right after its first complete SSE message, as a dropped connection would. */
function dropAfterFirstMessage(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let forwarded = 0;
  let cut = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(opening());
    },
    async pull(controller) {
      // Erroring drops what is still queued, in msw's pipe too: give the client time to read
      // the message before the connection breaks.
      if (cut) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        return controller.error(new Error('connection reset'));
      }
      const { done, value } = await reader.read();
      if (done) return controller.close();
      text += decoder.decode(value, { stream: true });
      const data = text.indexOf('data:');
      const end = data === -1 ? -1 : text.indexOf('\n\n', data);
      if (end === -1) {
        forwarded = text.length;
        return controller.enqueue(value);
      }
      controller.enqueue(encoder.encode(text.slice(forwarded, end + 2)));
      cut = true;
      await reader.cancel();
    },
  });
}

/**
 * The first event stream goes through `cut`, which breaks it; reconnections wait until
 * `reconnect()`, then reach the server. Records each connection's Last-Event-ID.
 */
function outage(cut: (body: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>) {
  const lastEventIds: Array<string | null> = [];
  let reconnect!: () => void;
  const over = new Promise<void>((resolve) => {
    reconnect = resolve;
  });
  network.use(
    http.get(`${server.baseUrl}/v1/events`, async ({ request }) => {
      lastEventIds.push(request.headers.get('Last-Event-ID'));
      if (lastEventIds.length > 1) {
        await over;
        return passthrough();
      }
      const res = await fetch(bypass(request));
      return new HttpResponse(cut(res.body as ReadableStream<Uint8Array>), {
        status: res.status,
        headers: res.headers,
      });
    }),
  );
  return { lastEventIds, reconnect };
}

/** Only the server's opening (`: connected`, then `id: <start>`), then the connection breaks. */
function dropAfterOpening(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      while (!/^id: \d+\n\n/m.test(text)) {
        text += decoder.decode((await reader.read()).value, { stream: true });
      }
      await reader.cancel();
      controller.enqueue(encoder.encode(text.slice(0, text.search(/\n\n/) + 2)));
    },
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      controller.error(new Error('connection reset'));
    },
  });
}

const SHORTENED_RETRY_MS = 6000;

/** Passes a stream on with its `retry: 30000` (the server's, when it closes it) shortened. */
function shortenRetry(body: ReadableStream<Uint8Array>) {
  return body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(
      new TransformStream<string, string>({
        transform: (text, controller) =>
          controller.enqueue(text.replace('retry: 30000\n', `retry: ${SHORTENED_RETRY_MS}\n`)),
      }),
    )
    .pipeThrough(new TextEncoderStream());
}

/** A proxy that buffers: holds the stream until `count` messages with data, then passes them as one chunk. */
function coalesce(count: number) {
  return (body: ReadableStream<Uint8Array>) => {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let held: string | undefined = '';
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (held !== undefined) {
          while ((held.match(/^data:/gm) ?? []).length < count) {
            const { done, value } = await reader.read();
            if (done) break;
            held += decoder.decode(value, { stream: true });
          }
          controller.enqueue(encoder.encode(held));
          held = undefined;
          return;
        }
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    });
  };
}

describe('subscribe through network faults', { timeout: 10_000 }, () => {
  it('delivers nothing more once a handler unsubscribes, though more events came in the same chunk', async () => {
    const { recipient } = await pair();
    // Bob's enrollment made four events: a buffering proxy hands them over at once.
    network.use(
      http.get(`${server.baseUrl}/v1/events`, async ({ request }) => {
        const res = await fetch(bypass(request));
        return new HttpResponse(coalesce(4)(res.body as ReadableStream<Uint8Array>), {
          status: res.status,
          headers: res.headers,
        });
      }),
    );
    const handled: SettleEvent[] = [];
    const unsubscribe = recipient.subscribe(
      (event) => {
        handled.push(event);
        unsubscribe();
      },
      { lastEventId: '0' },
    );
    subscriptions.push(unsubscribe);
    await eventually(
      async () => handled.length,
      (n) => n > 0,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(handled.map((e) => e.type)).toEqual(['account.updated']);
  });

  it('reconnects with Last-Event-ID after the stream drops, and misses no event', async () => {
    const { sender, recipient, recipientId } = await pair();
    const { lastEventIds, reconnect } = outage(dropAfterFirstMessage);
    let dropped!: () => void;
    const drop = new Promise<void>((resolve) => {
      dropped = resolve;
    });
    const bob = await watch(recipient, { onError: () => dropped() });
    await bob.open;
    const ids = [await send(sender, recipientId)];
    await drop;
    // Sent while Bob is offline: only Last-Event-ID brings these back.
    ids.push(await send(sender, recipientId), await send(sender, recipientId));
    reconnect();

    await untilCompleted(bob, ids);
    expect(lastEventIds[0]).toBeNull();
    expect(lastEventIds[1]).toBe(bob.events[0]?.id);
    const sseIds = bob.events.map((e) => e.id);
    expect(new Set(sseIds).size).toBe(sseIds.length);
  });

  it('resumes from where the server said the stream starts, when it drops before any event', async () => {
    const { sender, recipient, recipientId } = await pair();
    const { lastEventIds, reconnect } = outage(dropAfterOpening);
    let dropped!: () => void;
    const drop = new Promise<void>((resolve) => {
      dropped = resolve;
    });
    const bob = await watch(recipient, { onError: () => dropped() });
    await drop;
    const recent = bob.events.length;
    const id = await send(sender, recipientId);
    reconnect();

    await untilCompleted(bob, [id]);
    expect(lastEventIds[0]).toBeNull();
    // The server's `id:` line became the resume point, though no event had arrived.
    expect(lastEventIds[1]).toMatch(/^\d+$/);
    expect(recent).toBe(0);
    const sseIds = bob.events.map((e) => e.id);
    expect(new Set(sseIds).size).toBe(sseIds.length);
  });

  it('reconnects when a connection goes silent, without a keep-alive', async () => {
    const { sender, recipient, recipientId } = await pair();
    let connections = 0;
    network.use(
      http.get(`${server.baseUrl}/v1/events`, () => {
        connections++;
        if (connections > 1) return passthrough();
        const silent = new ReadableStream({
          start(controller) {
            controller.enqueue(opening());
          },
        });
        return new HttpResponse(silent, {
          headers: { 'Content-Type': 'text/event-stream', 'Transfer-Encoding': 'chunked' },
        });
      }),
    );
    const bob = await watch(recipient, { idleTimeout: 1000 });
    await eventually(
      async () => {
        const fatal = bob.errors.find((e) => e.fatal);
        if (fatal) throw fatal.error;
        return bob.connected.times;
      },
      (times) => times === 2,
    );
    const id = await send(sender, recipientId);
    await untilCompleted(bob, [id]);
    expect(connections).toBe(2);
    expect(bob.errors[0]?.fatal).toBe(false);
  });

  it('when its stream is closed for a newer page, waits the retry the server asks for that once, and misses no event', {
    timeout: 30_000,
  }, async () => {
    const { sender, recipient, recipientId } = await pair();
    const requests: Array<{ at: number; lastEventId: string | null }> = [];
    network.use(
      http.get(`${server.baseUrl}/v1/events`, async ({ request }) => {
        requests.push({ at: Date.now(), lastEventId: request.headers.get('Last-Event-ID') });
        const res = await fetch(bypass(request));
        const body = res.body as ReadableStream<Uint8Array>;
        // The first stream's `retry: 30000` is shortened on the way, not to wait 30 s here;
        // the second breaks after its first event, as any connection may.
        const streams = [shortenRetry, dropAfterFirstMessage];
        return new HttpResponse(streams[requests.length - 1]?.(body) ?? body, {
          status: res.status,
          headers: res.headers,
        });
      }),
    );
    const bob = await watch(recipient);
    await bob.open;
    // Bob's other pages, newer than this one (outside msw): the last of them closes it.
    const token = await server.token(recipientId);
    const pages = new AbortController();
    const openPage = () =>
      fetch(
        bypass(
          new Request(`${server.baseUrl}/v1/events`, {
            headers: { Authorization: `Bearer ${token}`, 'Last-Event-ID': '0' },
            signal: pages.signal,
          }),
        ),
      );
    try {
      for (let i = 1; i < STREAMS_PER_USER; i++) expect((await openPage()).status).toBe(200);
      const resumeFrom = bob.events.at(-1)?.id;
      const closedAt = Date.now();
      expect((await openPage()).status).toBe(200);
      const id = await send(sender, recipientId);
      await eventually(
        async () => requests.length,
        (n) => n === 2,
        10_000,
      );
      // Not at once, and not in a loop with the pages it would close in turn.
      expect((requests[1]?.at as number) - closedAt).toBeGreaterThanOrEqual(SHORTENED_RETRY_MS);
      expect(requests[1]?.lastEventId).toBe(resumeFrom);
      // Being closed for a newer page is no error.
      expect(bob.errors).toEqual([]);
      await untilCompleted(bob, [id]);
      // The retry was for that reconnection only: after a drop, the usual backoff (0.5 s).
      await eventually(
        async () => requests.length,
        (n) => n === 3,
      );
      expect((requests[2]?.at as number) - (requests[1]?.at as number)).toBeLessThan(
        SHORTENED_RETRY_MS,
      );
      const sseIds = bob.events.map((e) => e.id);
      expect(new Set(sseIds).size).toBe(sseIds.length);
    } finally {
      pages.abort();
    }
  });

  it('backs off when every connection opens and breaks before any event', async () => {
    // A server that lost its database, or a proxy that cuts streams: it answers 200, then fails.
    const { recipient } = await pair();
    const opened: number[] = [];
    network.use(
      http.get(`${server.baseUrl}/v1/events`, async ({ request }) => {
        opened.push(Date.now());
        const res = await fetch(bypass(request));
        return new HttpResponse(dropAfterOpening(res.body as ReadableStream<Uint8Array>), {
          status: res.status,
          headers: res.headers,
        });
      }),
    );
    const bob = await watch(recipient);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    bob.unsubscribe();
    // 0.5 s, 1 s, 2 s (less up to 25 %) after drops 0.2 s in: a fourth comes after 3.2 s at the
    // earliest. Without backoff, one every 0.7 s at most.
    expect(opened.length).toBeLessThanOrEqual(3);
    const gaps = opened.slice(1).map((at, i) => at - (opened[i] as number));
    expect(gaps[1]).toBeGreaterThan(gaps[0] as number);
  });

  it('reconnects after a 503, reporting it as not fatal', async () => {
    const { sender, recipient, recipientId } = await pair();
    let connections = 0;
    network.use(
      http.get(`${server.baseUrl}/v1/events`, () => {
        connections++;
        if (connections > 1) return passthrough();
        return HttpResponse.json(
          { error: { type: 'api_error', code: 'unavailable', message: 'Simulated.' } },
          { status: 503 },
        );
      }),
    );
    const bob = await watch(recipient);
    await bob.open;
    const id = await send(sender, recipientId);
    await untilCompleted(bob, [id]);
    expect(bob.errors.map((e) => [e.error.name, e.fatal])).toEqual([['ServerError', false]]);
  });

  it('stops on an error retrying cannot fix, and says it is fatal', async () => {
    const { recipient } = await pair();
    let connections = 0;
    network.use(
      http.get(`${server.baseUrl}/v1/events`, () => {
        connections++;
        return HttpResponse.json(
          { error: { type: 'permission_error', code: 'account_frozen', message: 'Frozen.' } },
          { status: 403 },
        );
      }),
    );
    const bob = await watch(recipient);
    await eventually(
      async () => bob.errors,
      (errors) => errors.length > 0,
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(connections).toBe(1);
    expect(bob.errors).toEqual([
      { error: expect.objectContaining({ code: 'account_frozen' }), fatal: true },
    ]);
  });
});
