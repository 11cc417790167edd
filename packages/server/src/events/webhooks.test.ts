import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WebhookTarget } from '../config.js';
import type { SqlValue, Store } from '../store/store.js';
import { gated, openTestStore, storeKinds, type TestStore } from '../testing/stores.js';
import { receiver } from '../testing/webhook-receiver.js';
import { recordEvent } from './events.js';
import { createWebhookWorker, RETRY_DELAYS_MS } from './webhooks.js';

const secret = `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`;

describe.each(await storeKinds())('webhooks on the %s store', (kind) => {
  let db: TestStore;
  let platform: Awaited<ReturnType<typeof receiver>>;
  const clock = { now: Date.now() };
  const logs: string[] = [];
  const worker = (webhooks: WebhookTarget | undefined = { url: platform.url, secret }) =>
    createWebhookWorker({
      store: db.store,
      webhooks,
      now: () => clock.now,
      log: (line) => logs.push(JSON.stringify(line)),
      random: () => 0.5,
    });
  const record = (userIds: string[], data: object) =>
    db.store.transaction((tx) =>
      recordEvent(tx, { type: 'transfer.updated', userIds, data }, clock.now),
    );
  const outbox = (id: string) =>
    db.store.get<{
      attempts: number;
      delivered_at: number | null;
      failed_at: number | null;
      next_attempt_at: number;
      last_error: string | null;
    }>(
      'SELECT attempts, delivered_at, failed_at, next_attempt_at, last_error FROM webhook_outbox WHERE id = ?',
      [id],
    );

  beforeAll(async () => {
    db = await openTestStore(kind);
    platform = await receiver();
  });
  beforeEach(async () => {
    // Each test starts with an empty outbox and receiver.
    await db.store.run('DELETE FROM webhook_outbox');
    platform.received.length = 0;
    platform.statuses.length = 0;
  });
  afterAll(async () => {
    await platform.close();
    await db.cleanup();
  });

  it('POSTs the event with a Standard Webhooks signature the official library verifies', async () => {
    const id = await record(['ana', 'ben'], { amount: { value: 2050, currency: 'EUR' } });
    expect(await worker().deliverDue()).toBe(1);
    expect(platform.received).toHaveLength(1);
    const [{ headers, body }] = platform.received as [(typeof platform.received)[0]];
    expect(headers['webhook-id']).toBe(id);
    expect(headers['content-type']).toBe('application/json');
    const event = new Webhook(secret).verify(body, headers as Record<string, string>);
    expect(event).toEqual({
      id,
      type: 'transfer.updated',
      createdAt: new Date(clock.now).toISOString(),
      data: { amount: { value: 2050, currency: 'EUR' } },
    });
    const otherSecret = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    expect(() =>
      new Webhook(otherSecret).verify(body, headers as Record<string, string>),
    ).toThrow();
    expect(await outbox(id)).toMatchObject({ attempts: 1, delivered_at: clock.now });
    // Delivered messages are not sent again.
    expect(await worker().deliverDue()).toBe(0);
  });

  it('signs with each secret during a rotation, so receivers on the old or the new one verify', async () => {
    const next = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const id = await record(['ana'], { n: 0 });
    expect(await worker({ url: platform.url, secret: [secret, next] }).deliverDue()).toBe(1);
    const [{ headers, body }] = platform.received as [(typeof platform.received)[0]];
    expect(headers['webhook-signature']).toMatch(/^v1,\S+ v1,\S+$/);
    for (const receiverSecret of [secret, next]) {
      expect(new Webhook(receiverSecret).verify(body, headers as Record<string, string>)).toEqual(
        expect.objectContaining({ id }),
      );
    }
    const stranger = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    expect(() => new Webhook(stranger).verify(body, headers as Record<string, string>)).toThrow();
  });

  it('retries after a 500 with backoff, with the same webhook-id, until a 2xx', async () => {
    const id = await record(['ana'], { n: 1 });
    platform.statuses.push(500);
    await worker().deliverDue();
    expect(await outbox(id)).toMatchObject({
      attempts: 1,
      delivered_at: null,
      last_error: 'HTTP 500',
      next_attempt_at: clock.now + (RETRY_DELAYS_MS[0] as number),
    });
    // Not due yet.
    expect(await worker().deliverDue()).toBe(0);
    clock.now += RETRY_DELAYS_MS[0] as number;
    expect(await worker().deliverDue()).toBe(1);
    expect(await outbox(id)).toMatchObject({
      attempts: 2,
      delivered_at: clock.now,
      last_error: null,
    });
    expect(platform.received.map((r) => r.headers['webhook-id'])).toEqual([id, id]);
    for (const { body, headers } of platform.received) {
      expect(() =>
        new Webhook(secret).verify(body, headers as Record<string, string>),
      ).not.toThrow();
    }
  });

  it('gives up after about a day of failures, and counts an unreachable URL as one', async () => {
    const id = await record(['ana'], { n: 2 });
    const total = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(20 * 3_600_000);
    expect(total).toBeLessThan(25 * 3_600_000);
    const closed = await receiver();
    await closed.close();
    for (const delay of [...RETRY_DELAYS_MS, 0]) {
      expect(await worker({ url: closed.url, secret }).deliverDue()).toBe(1);
      clock.now += delay;
    }
    expect(await outbox(id)).toMatchObject({
      attempts: RETRY_DELAYS_MS.length + 1,
      delivered_at: null,
      failed_at: expect.any(Number),
      // Why, for the operator reading the outbox: nothing listened there.
      last_error: 'TypeError: ECONNREFUSED',
    });
    expect(await worker().deliverDue()).toBe(0);
  });

  it('delivers each message once when several workers share the store', async () => {
    const ids = await Promise.all(Array.from({ length: 10 }, (_, n) => record([`u${n}`], { n })));
    const counts = await Promise.all([
      worker().deliverDue(),
      worker().deliverDue(),
      worker().deliverDue(),
    ]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10);
    expect(platform.received.map((r) => r.headers['webhook-id']).sort()).toEqual([...ids].sort());
  });

  // pollMs is a minute: an event sent within the generous bound of `until` was not polled for.
  it('once started, sends each committed event without waiting for the next poll, even one committed while it began to listen', {
    timeout: 30_000,
  }, async () => {
    let letListen = () => {};
    const listenHeld = new Promise<void>((resolve) => {
      letListen = resolve;
    });
    let listening = false;
    let lookedEmpty = false;
    const store: Store = {
      ...db.store,
      async all<T>(sql: string, params?: SqlValue[]) {
        const rows = await db.store.all<T>(sql, params);
        if (sql.includes('FROM webhook_outbox') && rows.length === 0) lookedEmpty = true;
        return rows;
      },
      // A LISTEN slow to take effect, as on a busy PostgreSQL.
      async listen(channel, onMessage, onReconnect) {
        await listenHeld;
        const stop = await db.store.listen(channel, onMessage, onReconnect);
        listening = true;
        return stop;
      },
    };
    const running = createWebhookWorker({
      store,
      webhooks: { url: platform.url, secret },
      now: () => clock.now,
      pollMs: 60_000,
    });
    running.start();
    try {
      await until(() => lookedEmpty);
      // Its notification reaches no one: the worker is not listening yet.
      const early = await record(['ana'], { n: 3 });
      letListen();
      await until(() => listening && platform.received.length === 1);
      expect(platform.received.map((r) => r.headers['webhook-id'])).toEqual([early]);
      const late = await record(['ana'], { n: 4 });
      await until(() => platform.received.length === 2);
      expect(platform.received.map((r) => r.headers['webhook-id'])).toEqual([early, late]);
    } finally {
      await running.stop();
    }
  });

  // No time limit on the others but the generous one of `until`: a loaded machine may be slow
  // to send them, but a worker that waits for the held delivery never sends them at all.
  it('keeps sending other events while one delivery hangs', { timeout: 30_000 }, async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let hung = () => {};
    const hanging = new Promise<void>((resolve) => {
      hung = resolve;
    });
    const slow = await record(['ana'], { n: 5 });
    const running = createWebhookWorker({
      store: db.store,
      webhooks: { url: platform.url, secret },
      now: () => clock.now,
      pollMs: 60_000,
      // The receiver takes its time over this one message, until the test lets it answer
      // (without the worker's 10 s timeout, which a slow machine could reach first).
      fetch: async (url, init) => {
        if (new Headers(init?.headers).get('webhook-id') !== slow) return fetch(url, init);
        hung();
        await gate;
        return fetch(url, { ...init, signal: null });
      },
    });
    running.start();
    try {
      await hanging;
      const others: string[] = [];
      for (let n = 6; n <= 8; n++) others.push(await record(['ben'], { n }));
      const delivered = async () =>
        (await Promise.all(others.map(outbox))).every((row) => Boolean(row?.delivered_at));
      await until(delivered);
      expect(platform.received.map((r) => r.headers['webhook-id']).sort()).toEqual(others.sort());
      // All three went out while the first was still waiting for its answer.
      expect(await outbox(slow)).toMatchObject({ attempts: 1, delivered_at: null });
    } finally {
      release();
      await running.stop();
    }
    expect(await outbox(slow)).toMatchObject({ attempts: 1, delivered_at: clock.now });
  });

  it('without a webhook URL, sends nothing and closes the messages nobody sends', async () => {
    const id = await record(['ana'], { n: 4 });
    const off = createWebhookWorker({ store: db.store, now: () => clock.now });
    expect(await off.deliverDue()).toBe(0);
    // A process with the URL may be about to send it (a rolling restart turning webhooks on).
    expect(await outbox(id)).toMatchObject({ failed_at: null, delivered_at: null });
    clock.now += 9 * 60_000;
    await off.deliverDue();
    expect(await outbox(id)).toMatchObject({ failed_at: null, delivered_at: null });
    clock.now += 60_000;
    expect(await off.deliverDue()).toBe(0);
    expect(platform.received).toEqual([]);
    expect(await outbox(id)).toMatchObject({ failed_at: clock.now, last_error: 'webhooks_off' });
  });

  it('without a webhook URL, leaves the messages a process with one sends', async () => {
    const id = await record(['ana'], { n: 5 });
    await createWebhookWorker({ store: db.store, now: () => clock.now }).deliverDue();
    await worker().deliverDue();
    expect(await outbox(id)).toMatchObject({ delivered_at: clock.now, failed_at: null });
    expect(platform.received.map((r) => r.headers['webhook-id'])).toContain(id);
  });

  it('logs a database outage once, then the recovery, not a line a poll', async () => {
    const gate = { down: true };
    const lines: Record<string, unknown>[] = [];
    const running = createWebhookWorker({
      store: gated(db.store, gate),
      webhooks: { url: platform.url, secret },
      now: () => clock.now,
      log: (line) => lines.push(line),
      pollMs: 2,
    });
    running.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      gate.down = false;
      const id = await record(['ana'], { n: 9 });
      await until(async () => Boolean((await outbox(id))?.delivered_at));
    } finally {
      await running.stop();
    }
    const worker = lines.filter((l) => String(l.event).startsWith('webhook.worker'));
    expect(worker).toEqual([
      { event: 'webhook.worker_failed', error: 'StoreUnavailableError', reason: 'connection lost' },
      { event: 'webhook.worker_recovered', failures: expect.any(Number), afterMs: 0 },
    ]);
    expect(worker[1]?.failures).toBeGreaterThan(1);
  });

  it('never logs the secret, the URL or the payload', () => {
    const text = logs.join('\n');
    expect(text).toContain('webhook.delivered');
    expect(text).toContain('webhook.failed');
    expect(text).toContain('webhook.gave_up');
    expect(text).not.toContain(secret.slice(6, 20));
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain('2050');
  });
});

/** Resolves when `check` holds, checking every 20 ms for up to 10 s: generous for a loaded machine. */
async function until(check: () => boolean | Promise<boolean>) {
  for (let i = 0; i < 500 && !(await check()); i++) await new Promise((r) => setTimeout(r, 20));
}
