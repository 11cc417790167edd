// Live updates in real Chromium when the network comes back: the browser's offline mode cuts
// new connections, and a relay in front of the real server drops or silences the stream, as a
// sleeping laptop or a lost Wi-Fi does.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../../../scripts/chromium.mjs';
import { browserBundle } from './testing/browser-bundle.js';
import { eur, eventually, startServer, type TestServer } from './testing/server.js';

/** What the relay does to the streams open now: pass them on, silence them, or end them. */
type Fault = 'silence' | 'end';
const streams = new Set<(fault: Fault) => void>();
const fault = (kind: Fault) => {
  for (const apply of streams) apply(kind);
  streams.clear();
};

/** Passes a stream on until told to silence it (no byte, no end: a dead connection) or end it. */
function relayed(body: ReadableStream<Uint8Array>) {
  let silent = false;
  let end = () => {};
  const out = new TransformStream<Uint8Array, Uint8Array>({
    start(controller) {
      end = () => controller.terminate();
    },
    transform(chunk, controller) {
      if (!silent) controller.enqueue(chunk);
    },
  });
  streams.add((kind) => {
    if (kind === 'silence') silent = true;
    else end();
  });
  body.pipeTo(out.writable).catch(() => undefined);
  return out.readable;
}

/**
 * While set, new stream requests meet an outage: `down`, Settle answers 503; `hang`, no answer
 * comes (a connection attempt made over a network that is gone) until `answerHung`.
 */
let outage: 'down' | 'hang' | undefined;
const hung: (() => void)[] = [];
const answerHung = () => {
  for (const answer of hung.splice(0)) answer();
};

// Bob's page: his events and the errors his subscription reported, kept for the test to read.
const page = `
import { createSettle } from '/sdk.js';
const settle = createSettle({ baseUrl: location.origin, getToken: () => fetch('/token').then((r) => r.text()) });
window.got = []; window.errors = 0; window.opened = 0;
settle.subscribe((event, { lastEventId }) => window.got.push({ id: lastEventId, data: event.data }), {
  onOpen: () => window.opened++,
  onError: () => window.errors++,
});`;

let server: TestServer;
let site: ReturnType<typeof serve>;
let browser: Browser;
let url: string;
let users = 0;

beforeAll(async () => {
  server = await startServer();
  const sdk = await browserBundle();
  const app = new Hono()
    .get('/', (c) => c.html('<!doctype html><script type="module" src="/page.js"></script>'))
    .get('/sdk.js', (c) => c.body(sdk, 200, { 'Content-Type': 'text/javascript' }))
    .get('/page.js', (c) => c.body(page, 200, { 'Content-Type': 'text/javascript' }))
    .get('/token', async (c) => c.text(await server.token(c.req.query('user') ?? '')))
    .get('/v1/events', async (c) => {
      if (outage === 'hang') await new Promise<void>((resolve) => hung.push(resolve));
      if (outage) return c.json({ error: { type: 'api_error', code: 'store_unavailable' } }, 503);
      const res = await server.app.fetch(c.req.raw);
      return res.body ? new Response(relayed(res.body), res) : res;
    })
    .all('*', (c) => server.app.fetch(c.req.raw));
  site = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', overrideGlobalObjects: false });
  await new Promise<void>((resolve) => site.once('listening', () => resolve()));
  url = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  browser = await chromium.launch(chromiumLaunchOptions);
}, 30_000);

afterAll(async () => {
  answerHung();
  await browser?.close();
  await new Promise<void>((resolve) => site.close(() => resolve()));
  await server.close();
});

/** Alice, and Bob's page following his events (connected, his enrollment received). */
async function bobFollowing() {
  const n = ++users;
  const alice = await server.enroll(`online-alice-${n}`);
  await server.enroll(`online-bob-${n}`);
  const context = await browser.newContext();
  const bob = await context.newPage();
  // The page's token endpoint mints for this Bob.
  await context.route('**/token', (route) =>
    route.continue({ url: `${url}/token?user=online-bob-${n}` }),
  );
  await bob.goto(url);
  await eventually(
    () => bob.evaluate('window.got.length') as Promise<number>,
    (count) => count >= 4,
  );
  const send = async () =>
    (await alice.transfers.create({ recipientId: `online-bob-${n}`, amount: eur(300) })).id;
  return { bob, send };
}

/** The states Bob's page was told of for a transfer, in order, and every event id it got. */
const seen = async (bob: Page, id: string) =>
  (await bob.evaluate(`({
    states: window.got.filter((e) => e.data.id === ${JSON.stringify(id)}).map((e) => e.data.status),
    ids: window.got.map((e) => e.id),
  })`)) as { states: string[]; ids: string[] };

describe('live updates when the browser comes back online', { timeout: 30_000 }, () => {
  it('reconnects at once over a connection that went silent while the network was away', async () => {
    const { bob, send } = await bobFollowing();
    await bob.context().setOffline(true);
    // The stream stays open but nothing reaches the page, like one made over a lost Wi-Fi.
    fault('silence');
    const id = await send();
    await bob.context().setOffline(false);
    // Without the `online` event, only the 45 s idle timeout would notice.
    const { states, ids } = await eventually(
      () => seen(bob, id),
      ({ states }) => states.includes('completed'),
    );
    expect(states).toEqual(['pending', 'completed']);
    expect(new Set(ids).size).toBe(ids.length);
    await bob.context().close();
  });

  it('ends its wait to reconnect when the network is back, however long the backoff grew', async () => {
    const { bob, send } = await bobFollowing();
    await bob.context().setOffline(true);
    fault('end');
    // Four attempts failed offline (0.5 s, 1 s, 2 s, 4 s apart): the next is 6 to 8 s away.
    await eventually(
      () => bob.evaluate('window.errors') as Promise<number>,
      (errors) => errors >= 4,
      15_000,
    );
    const id = await send();
    await bob.context().setOffline(false);
    const { states, ids } = await eventually(
      () => seen(bob, id),
      ({ states }) => states.includes('completed'),
      3000,
    );
    expect(states).toEqual(['pending', 'completed']);
    expect(new Set(ids).size).toBe(ids.length);
    expect(await bob.evaluate('window.opened')).toBe(2);
    await bob.context().close();
  });

  it('reconnects at once when the network comes back during an attempt, with no error', async () => {
    const { bob, send } = await bobFollowing();
    // Settle is down a while: three attempts failed (0.5 s, 1 s, 2 s apart)...
    outage = 'down';
    fault('end');
    await eventually(
      () => bob.evaluate('window.errors') as Promise<number>,
      (errors) => errors >= 3,
      15_000,
    );
    // ...and the fourth, 3 to 4 s later, goes out over a network that is gone.
    outage = 'hang';
    await eventually(
      async () => hung.length,
      (n) => n > 0,
      15_000,
    );
    outage = undefined;
    const errors = await bob.evaluate('window.errors');
    const id = await send();
    // The network is back: that attempt gives way to a new one at once, not after a backoff
    // of 6 to 8 s, and is not reported as a broken stream.
    await bob.evaluate(`window.dispatchEvent(new Event('online'))`);
    const { states } = await eventually(
      () => seen(bob, id),
      ({ states }) => states.includes('completed'),
      3000,
    );
    expect(states).toEqual(['pending', 'completed']);
    expect(await bob.evaluate('window.errors')).toBe(errors);
    answerHung();
    await bob.context().close();
  });
});
