import { once } from 'node:events';
import { connect as connectTcp } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../http/errors.js';
import { readDevOutbox } from '../sms.js';
import type { SqlValue } from '../store/store.js';
import {
  enroll,
  FR_CARD,
  mintToken,
  nextPhone,
  type TestApp,
  testApp,
} from '../testing/platform.js';
import { listenHttp, openEvents } from '../testing/sse.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';
import { latestSeq, recordEvent } from './events.js';
import { LISTEN_LINGER_MS } from './hub.js';
import { REPLACED_GRACE_MS, REPLACED_RETRY_MS, STREAMS_PER_USER } from './routes.js';

const profile = { legalName: 'Alice Martin', country: 'FR', phone: '+33612345678' };

describe.each(await storeKinds())('GET /v1/events on the %s store', (kind) => {
  let db: TestStore;
  let t: TestApp;
  let http: Awaited<ReturnType<typeof listenHttp>>;
  beforeAll(async () => {
    db = await openTestStore(kind);
    t = await testApp(db.store);
    http = await listenHttp(t.app);
  });
  afterAll(async () => {
    await http.close();
    await db.cleanup();
  });

  const connect = async (userId: string, headers?: Record<string, string>, on = { t, http }) => {
    const token = await mintToken(on.t.keys, userId, { iat: Math.floor(on.t.clock.now / 1000) });
    const res = await openEvents(`${on.http.url}/v1/events`, token, headers);
    expect(res.status).toBe(200);
    return res.messages as NonNullable<typeof res.messages>;
  };
  const record = (userIds: string[], data: object) =>
    db.store.transaction((tx) =>
      recordEvent(tx, { type: 'transfer.updated', userIds, data }, t.clock.now),
    );

  it('delivers an account change to the owner’s open stream within a second', async () => {
    const events = await connect('alice');
    const res = await t.call('alice', 'PUT', '/v1/account/profile', profile);
    expect(res.status).toBe(200);
    const [message] = await events.take(1, 1000);
    expect(message).toMatchObject({ id: '1', event: 'account.updated' });
    expect(JSON.parse(message?.data as string)).toEqual({
      id: expect.stringMatching(/^ev_/),
      type: 'account.updated',
      createdAt: new Date(t.clock.now).toISOString(),
      data: res.body,
    });
    events.close();
  });

  it('shows in account events the limits this server applies, as GET /v1/account does', async () => {
    const strict = await testApp(db.store, { limits: { FR: { perTransfer: 12_000 } } });
    const strictHttp = await listenHttp(strict.app);
    const events = await connect('lena', undefined, { t: strict, http: strictHttp });
    const res = await strict.call('lena', 'PUT', '/v1/account/profile', {
      ...profile,
      phone: '+33611112222',
    });
    expect(res.body.limits.perTransfer).toEqual({ value: 12_000, currency: 'EUR' });
    const [message] = await events.take(1);
    expect(JSON.parse(message?.data as string).data).toEqual(res.body);
    events.close();
    await strictHttp.close();
  });

  it('follows enrollment step by step, and no event holds a card number, PIN or code', async () => {
    const events = await connect('erin');
    const phone = '+33698765432';
    await enroll(t, 'erin', { phone, pin: '583920', card: FR_CARD });
    const steps = (await events.take(4)).map((m) => JSON.parse(m.data).data);
    expect(steps.map((a) => [a.status, a.nextStep])).toEqual([
      ['new', 'card'],
      ['new', 'pin'],
      ['pending_verification', 'verification'],
      ['active', null],
    ]);
    // Five wrong PINs lock the account: the user's pages learn it at once.
    for (let i = 0; i < 5; i++) {
      await t.call('erin', 'PUT', '/v1/account/pin', { pin: '275913', currentPin: '246810' });
    }
    const [locked] = await events.take(1);
    expect(JSON.parse(locked?.data as string).data).toMatchObject({
      status: 'locked',
      nextStep: 'unlock',
    });
    const code = (await readDevOutbox(db.store, { phone, limit: 1 }))[0]?.body.match(/\d{6}/)?.[0];
    expect(code).toMatch(/^\d{6}$/);
    const stored = await db.store.all<{ text: string }>(
      `SELECT data AS text FROM events WHERE user_id = 'erin'
       UNION ALL SELECT payload AS text FROM webhook_outbox`,
    );
    const text = stored.map((r) => r.text).join('\n');
    expect(stored.length).toBeGreaterThanOrEqual(10);
    for (const secret of [FR_CARD, '583920', '275913', '246810', code, phone]) {
      expect(text).not.toContain(secret);
    }
    events.close();
  });

  it('resumes after Last-Event-ID with every missed event once and in order, then live ones', async () => {
    await db.store.transaction(async (tx) => {
      for (let n = 1; n <= 250; n++) {
        await recordEvent(tx, { type: 'transfer.updated', userIds: ['rita'], data: { n } }, 1);
      }
    });
    const events = await connect('rita', { 'Last-Event-ID': '20' });
    const missed = await events.take(230);
    expect(missed.map((m) => Number(m.id))).toEqual(missed.map((_, i) => 21 + i));
    expect(missed.map((m) => JSON.parse(m.data).data.n)).toEqual(missed.map((_, i) => 21 + i));
    await record(['rita'], { n: 251 });
    expect((await events.take(1))[0]?.id).toBe('251');
    expect(await events.next(200)).toBeUndefined();
    events.close();
  });

  it('without Last-Event-ID, replays only the last five minutes, and says where it starts', async () => {
    const at = (ms: number, n: number) =>
      db.store.transaction((tx) =>
        recordEvent(tx, { type: 'transfer.updated', userIds: ['olga'], data: { n } }, ms),
      );
    for (let n = 1; n <= 3; n++) await at(t.clock.now - 6 * 60_000, n);
    for (let n = 4; n <= 5; n++) await at(t.clock.now - 60_000, n);
    const token = await mintToken(t.keys, 'olga', { iat: Math.floor(t.clock.now / 1000) });
    // The raw stream: the start is an id-only message, which parsers do not surface.
    const res = await fetch(`${http.url}/v1/events`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const reader = (res.body as ReadableStream<Uint8Array>)
      .pipeThrough(new TextDecoderStream())
      .getReader();
    let text = '';
    while (!text.includes('id: 5\n')) text += (await reader.read()).value;
    await reader.cancel();
    expect(text.startsWith(': connected\nid: 3\n\n')).toBe(true);
    expect([...text.matchAll(/^id: (\d+)$/gm)].map((m) => m[1])).toEqual(['3', '4', '5']);
    expect([...text.matchAll(/"n":(\d+)/g)].map((m) => m[1])).toEqual(['4', '5']);
    // Last-Event-ID: 0 asks for the whole history.
    const all = await connect('olga', { 'Last-Event-ID': '0' });
    expect((await all.take(5)).map((m) => m.id)).toEqual(['1', '2', '3', '4', '5']);
    all.close();
  });

  it('without Last-Event-ID, replays at most 100 recent events', async () => {
    await db.store.transaction(async (tx) => {
      for (let n = 1; n <= 150; n++) {
        await recordEvent(
          tx,
          { type: 'transfer.updated', userIds: ['pia'], data: { n } },
          t.clock.now,
        );
      }
    });
    const events = await connect('pia');
    const replayed = await events.take(100);
    expect(replayed.map((m) => Number(m.id))).toEqual(replayed.map((_, i) => 51 + i));
    expect(await events.next(200)).toBeUndefined();
    events.close();
  });

  it('takes lastEventId from the query, and the header over it', async () => {
    for (let n = 1; n <= 5; n++) await record(['quinn'], { n });
    const token = await mintToken(t.keys, 'quinn', { iat: Math.floor(t.clock.now / 1000) });
    const query = await openEvents(`${http.url}/v1/events?lastEventId=3`, token);
    expect((await query.messages?.take(2))?.map((m) => m.id)).toEqual(['4', '5']);
    query.messages?.close();
    const both = await openEvents(`${http.url}/v1/events?lastEventId=1`, token, {
      'Last-Event-ID': '4',
    });
    expect((await both.messages?.take(1))?.map((m) => m.id)).toEqual(['5']);
    expect(await both.messages?.next(200)).toBeUndefined();
    both.messages?.close();
  });

  it('sends each event once and in order while many transactions commit at once', async () => {
    const events = await connect('zed');
    await Promise.all(Array.from({ length: 50 }, (_, n) => record(['zed', `peer${n}`], { n })));
    const received = await events.take(50);
    expect(received.map((m) => m.id)).toEqual(received.map((_, i) => String(i + 1)));
    expect(new Set(received.map((m) => JSON.parse(m.data).data.n)).size).toBe(50);
    expect(await events.next(200)).toBeUndefined();
    events.close();
  });

  it('never sends a user another user’s events', async () => {
    const vera = await connect('vera');
    const walt = await connect('walt');
    await record(['walt'], { to: 'walt' });
    await record(['vera', 'walt'], { to: 'both' });
    await record(['walt'], { to: 'walt' });
    const veraGot = await vera.take(1);
    expect(veraGot.map((m) => [m.id, JSON.parse(m.data).data.to])).toEqual([['1', 'both']]);
    expect((await walt.take(3)).map((m) => JSON.parse(m.data).data.to)).toEqual([
      'walt',
      'both',
      'walt',
    ]);
    expect(await vera.next(200)).toBeUndefined();
    vera.close();
    walt.close();
  });

  it.each(['abc', '-1', '1.5', '9999999999999999'])(
    'refuses Last-Event-ID %j with 400',
    async (value) => {
      const token = await mintToken(t.keys, 'alice', { iat: Math.floor(t.clock.now / 1000) });
      const res = await openEvents(`${http.url}/v1/events`, token, { 'Last-Event-ID': value });
      expect(res.status).toBe(400);
      expect(res.error?.error).toMatchObject({
        type: 'invalid_request_error',
        code: 'parameter_invalid',
        param: 'last-event-id',
      });
    },
  );

  it('ends an open stream at once when its token is revoked by “secure my account”', async () => {
    await enroll(t, 'sara', { phone: nextPhone() });
    const iat = Math.floor(t.clock.now / 1000) - 5;
    const token = await mintToken(t.keys, 'sara', { iat });
    const newest = String(await latestSeq(db.store, 'sara'));
    const res = await openEvents(`${http.url}/v1/events`, token, { 'Last-Event-ID': newest });
    expect(res.status).toBe(200);
    const events = res.messages as NonNullable<typeof res.messages>;
    expect((await t.call('sara', 'POST', '/v1/account/secure')).status).toBe(200);
    // Not even the lock itself reaches the revoked token.
    await expect(events.next(3000)).rejects.toThrow('The event stream ended.');
    expect((await openEvents(`${http.url}/v1/events`, token)).status).toBe(401);
  });

  it('refuses a Last-Event-ID ahead of the user’s newest event (another user’s)', async () => {
    for (let n = 1; n <= 3; n++) await record(['uma'], { n });
    const token = await mintToken(t.keys, 'uma', { iat: Math.floor(t.clock.now / 1000) });
    const ahead = await openEvents(`${http.url}/v1/events`, token, { 'Last-Event-ID': '4' });
    expect(ahead.status).toBe(400);
    expect(ahead.error?.error).toMatchObject({ code: 'last_event_id_unknown' });
    const newest = await openEvents(`${http.url}/v1/events`, token, { 'Last-Event-ID': '3' });
    expect(newest.status).toBe(200);
    await record(['uma'], { n: 4 });
    expect((await newest.messages?.take(1))?.map((m) => m.id)).toEqual(['4']);
    newest.messages?.close();
  });

  it('requires a user token', async () => {
    const res = await fetch(`${http.url}/v1/events`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as ErrorBody).error.type).toBe('authentication_error');
  });

  it('ends the stream when the user token expires', async () => {
    // Accepted for one more second at most: expired 59 s ago, with 60 s of clock skew allowed.
    const iat = Math.floor(t.clock.now / 1000) - 600 - 59;
    const token = await mintToken(t.keys, 'tara', { iat, ttl: 600 });
    const res = await openEvents(`${http.url}/v1/events`, token);
    expect(res.status).toBe(200);
    await expect(res.messages?.next(3000)).rejects.toThrow('The event stream ended.');
    t.clock.now += 2000;
    expect((await openEvents(`${http.url}/v1/events`, token)).status).toBe(401);
  });

  it('stops listening when the client goes away, not between streams opened one after another', async () => {
    let listening = 0;
    let listened = 0;
    const store = {
      ...db.store,
      async listen(channel: string, onMessage: (payload: string) => void) {
        const unlisten = await db.store.listen(channel, onMessage);
        listening++;
        listened++;
        return async () => {
          listening--;
          await unlisten();
        };
      },
    };
    const counted = await testApp(store);
    const server = await listenHttp(counted.app);
    try {
      // A page reloading, or a client churning streams: one LISTEN connection serves them all.
      for (let i = 0; i < 5; i++) {
        const events = await connect('yann', {}, { t: counted, http: server });
        await until(() => listening === 1);
        events.close();
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(listened).toBe(1);
      await until(() => listening === 0);
    } finally {
      await server.close();
    }
  });

  it('stops listening for a client that left while its stream was starting', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let held = false;
    let listened = 0;
    let listening = 0;
    const store = {
      ...db.store,
      async all<T>(sql: string, params?: SqlValue[]) {
        // Holds the first look for where a stream without Last-Event-ID starts.
        if (!held && sql.includes('ORDER BY seq DESC')) {
          held = true;
          await gate;
        }
        return db.store.all<T>(sql, params);
      },
      async listen(channel: string, onMessage: (payload: string) => void) {
        const unlisten = await db.store.listen(channel, onMessage);
        listened++;
        listening++;
        return async () => {
          listening--;
          await unlisten();
        };
      },
    };
    const slow = await testApp(store);
    const server = await listenHttp(slow.app);
    try {
      const token = await mintToken(slow.keys, 'ugo', { iat: Math.floor(slow.clock.now / 1000) });
      const leaving = new AbortController();
      const res = fetch(`${server.url}/v1/events`, {
        headers: { Authorization: `Bearer ${token}` },
        signal: leaving.signal,
      }).catch(() => undefined);
      await until(() => held);
      leaving.abort();
      await res;
      // Time for the server to see the connection close, then let the stream start.
      await new Promise((r) => setTimeout(r, 100));
      release();
      // It subscribes, sees that no one is there and lets go (not at the token's expiry).
      await until(() => listened === 1 && listening === 0);
    } finally {
      await server.close();
    }
  });

  it('gives an 11th page its stream by closing the oldest, which is told to come back in 30 s', async () => {
    const tabs: Messages[] = [];
    for (let i = 0; i < STREAMS_PER_USER; i++) tabs.push(await connect('zoe'));
    // Another user's streams neither count nor are closed.
    const zack = await connect('zack');
    tabs.push(await connect('zoe'));
    const [first, ...open] = tabs as [Messages, ...Messages[]];
    await expect(first.next(3000)).rejects.toThrow('The event stream ended.');
    expect(first.retry).toBe(REPLACED_RETRY_MS);
    expect(REPLACED_RETRY_MS).toBe(30_000);
    // Only that one: the other ten, and Zack's, get the next event.
    await record(['zoe', 'zack'], { n: 1 });
    for (const events of [...open, zack]) expect((await events.take(1))[0]?.id).toBe('1');
    // A 12th closes the next oldest, and no other.
    const twelfth = await connect('zoe', { 'Last-Event-ID': '1' });
    const [second, ...rest] = open as [Messages, ...Messages[]];
    await expect(second.next(3000)).rejects.toThrow('The event stream ended.');
    expect(second.retry).toBe(REPLACED_RETRY_MS);
    await record(['zoe'], { n: 2 });
    for (const events of [...rest, twelfth]) expect((await events.take(1))[0]?.id).toBe('2');
    for (const events of [...tabs, twelfth, zack]) events.close();
  });

  it('gives a new page its stream while 10 clients that vanished without closing still hold theirs', async () => {
    const token = await mintToken(t.keys, 'vic', { iat: Math.floor(t.clock.now / 1000) });
    const gone: Vanishing[] = [];
    for (let i = 0; i < STREAMS_PER_USER; i++) gone.push(await vanishing(http.url, token));
    const page = await connect('vic');
    await record(['vic'], { n: 1 });
    expect((await page.take(1))[0]?.id).toBe('1');
    // The oldest was closed for it: read now, it holds the server's last word, then the end.
    const oldest = await (gone[0] as Vanishing).readToEnd();
    expect(oldest).toContain(`\nretry: ${REPLACED_RETRY_MS}\n\n`);
    page.close();
    for (const client of gone) client.socket.destroy();
  });

  it('cuts the connection of a closed stream whose client stopped reading with its buffers full', async () => {
    // 20 MB of history to replay, more than the socket buffers hold: the server's writes wait.
    const pad = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 320; i++) await record(['bea'], { i, pad });
    const token = await mintToken(t.keys, 'bea', { iat: Math.floor(t.clock.now / 1000) });
    const stuck = await vanishing(http.url, token, { 'Last-Event-ID': '0' });
    const pages: Messages[] = [];
    for (let i = 0; i < STREAMS_PER_USER; i++) {
      pages.push(await connect('bea', { 'Last-Event-ID': '320' }));
    }
    // Its place went to the tenth page at once; once the grace period is over, the server has
    // cut its connection: read now, the answer stops short of the end of its chunked body.
    await new Promise((resolve) => setTimeout(resolve, 2 * REPLACED_GRACE_MS));
    stuck.socket.on('error', () => undefined);
    const closed = once(stuck.socket, 'close');
    stuck.socket.resume();
    await closed;
    expect(stuck.ended()).toBe(false);
    for (const page of pages) page.close();
  }, 60_000);

  it('asks proxies to pass the stream on as it comes, neither buffered nor compressed', async () => {
    const token = await mintToken(t.keys, 'ines', { iat: Math.floor(t.clock.now / 1000) });
    const controller = new AbortController();
    const res = await fetch(`${http.url}/v1/events`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    // nginx buffers proxied answers unless told otherwise; no-transform keeps compressing
    // proxies and CDNs from holding events back.
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    expect(res.headers.get('cache-control')).toMatch(/no-transform/);
    controller.abort();
  });

  it('answers HEAD without opening a stream, which would close one of the user’s pages', async () => {
    const token = await mintToken(t.keys, 'hugo', { iat: Math.floor(t.clock.now / 1000) });
    const streams: Messages[] = [];
    for (let i = 0; i < STREAMS_PER_USER; i++) streams.push(await connect('hugo'));
    for (let i = 0; i < 2; i++) {
      const head = await fetch(`${http.url}/v1/events`, {
        method: 'HEAD',
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-type')).toMatch(/^text\/event-stream/);
    }
    expect((await fetch(`${http.url}/v1/events`, { method: 'HEAD' })).status).toBe(401);
    await record(['hugo'], { n: 1 });
    for (const events of streams) expect((await events.take(1))[0]?.id).toBe('1');
    for (const events of streams) events.close();
  });

  // Registered for PostgreSQL only: processes share events through LISTEN/NOTIFY.
  if (kind === 'postgres') {
    it('delivers what committed while the listening connection was lost, once it is back', async () => {
      // Earlier tests' streams closed moments ago: their LISTEN lingers, and may have been
      // asked its heartbeat since (no longer showing LISTEN as its query). Let it end first.
      await new Promise((r) => setTimeout(r, LISTEN_LINGER_MS + 200));
      const events = await connect('lola');
      // The stream answers before it listens: wait for its LISTEN, then cut that connection.
      const cut = () =>
        db.store.get<{ n: number }>(
          `SELECT COUNT(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
           WHERE query = 'LISTEN "' || current_schema() || '.settle_events"'`,
        );
      let killed = await cut();
      for (let i = 0; i < 50 && Number(killed?.n) === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        killed = await cut();
      }
      expect(Number(killed?.n)).toBe(1);
      // Its notification goes nowhere: no connection is listening.
      await record(['lola'], { n: 1 });
      // Back within a second or so, not at the next keep-alive (15 s).
      const [message] = await events.take(1, 4000);
      expect(JSON.parse(message?.data as string).data).toEqual({ n: 1 });
      events.close();
    });

    it('reaches a stream served by another process on the same database', async () => {
      const other = await db.openAgain();
      const b = await testApp(other);
      const httpB = await listenHttp(b.app);
      try {
        const events = await connect('xena', {}, { t: b, http: httpB });
        await t.call('xena', 'PUT', '/v1/account/profile', profile);
        const [message] = await events.take(1, 1000);
        expect(message).toMatchObject({ id: '1', event: 'account.updated' });
        events.close();
      } finally {
        await httpB.close();
        await other.close();
      }
    });
  }
});

/** Resolves when `check` holds, checking every 10 ms for up to 2 s. */
async function until(check: () => boolean) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

type Messages = NonNullable<Awaited<ReturnType<typeof openEvents>>['messages']>;
type Vanishing = Awaited<ReturnType<typeof vanishing>>;

/**
 * A client that opens its stream over a raw TCP connection, then reads no more and never
 * closes. To the server, a laptop whose lid closed or a phone that left its Wi-Fi looks the
 * same: writes go into socket buffers without error, and nothing says the client is gone
 * until TCP gives up, about 15 minutes later. (This client's kernel still acknowledges, with
 * a window that closes; a vanished one acknowledges nothing, which Node does not show.)
 */
async function vanishing(url: string, token: string, headers: Record<string, string> = {}) {
  const { hostname, port } = new URL(url);
  const socket = connectTcp(Number(port), hostname);
  await once(socket, 'connect');
  socket.setEncoding('utf8');
  socket.write(
    `GET /v1/events HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${token}\r\nAccept: text/event-stream\r\n${Object.entries(
      headers,
    )
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('')}\r\n`,
  );
  let text = '';
  socket.on('data', (chunk: string) => {
    text += chunk;
  });
  await until(() => text.includes(': connected'));
  expect(text).toMatch(/^HTTP\/1\.1 200 /);
  socket.pause();
  const ended = () => text.endsWith('\r\n0\r\n\r\n');
  return {
    socket,
    ended,
    /** Reads again, up to the end of the chunked answer: the server closed the stream. */
    async readToEnd() {
      socket.resume();
      await until(ended);
      return text;
    },
  };
}
