import { once } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mintToken, type TestApp, testApp } from '../testing/platform.js';
import { openEvents } from '../testing/sse.js';
import { openTestStore, type TestStore } from '../testing/stores.js';
import { REPLACED_GRACE_MS, STREAMS_PER_USER } from './routes.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let db: TestStore;
let t: TestApp;
let server: Server;
let url: string;
// Every request the server took, counted as the garbage collector frees it.
let freed = 0;
const registry = new FinalizationRegistry(() => freed++);

beforeAll(async () => {
  db = await openTestStore('sqlite');
  t = await testApp(db.store);
  server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await once(server, 'listening');
  server.on('request', (request: IncomingMessage) => registry.register(request, undefined));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await db.cleanup();
});

it('frees the connections of closed streams once they end, not a grace period later', async () => {
  const token = await mintToken(t.keys, 'churn', { iat: Math.floor(t.clock.now / 1000) });
  const pages = [];
  // Twice the limit: the first ten are closed for the next ten, and their clients read the
  // last message to the end and go, as a script that opens streams in a loop does.
  for (let i = 0; i < 2 * STREAMS_PER_USER; i++) {
    const res = await openEvents(`${url}/v1/events`, token);
    pages.push(res.messages as NonNullable<typeof res.messages>);
  }
  const closed = pages.slice(0, STREAMS_PER_USER);
  for (const page of closed) await expect(page.next(1000)).rejects.toThrow('ended');
  for (const page of closed) page.close();
  const started = performance.now();
  // Well within the grace period: each cut timer held its request and socket until then.
  while (freed < STREAMS_PER_USER && performance.now() - started < REPLACED_GRACE_MS / 2) {
    gc();
    await delay(50);
  }
  expect(freed).toBeGreaterThanOrEqual(STREAMS_PER_USER);
  for (const page of pages) page.close();
});
