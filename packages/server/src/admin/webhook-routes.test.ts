import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWebhookWorker, RETRY_DELAYS_MS } from '../events/webhooks.js';
import { type TestApp, testApp } from '../testing/platform.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';
import { receiver } from '../testing/webhook-receiver.js';

const secret = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;

describe.each(await storeKinds())('the webhook admin API on the %s store', (kind) => {
  let db: TestStore;
  let t: TestApp;
  let platform: Awaited<ReturnType<typeof receiver>>;
  let users = 0;

  const worker = () =>
    createWebhookWorker({
      store: db.store,
      webhooks: { url: platform.url, secret },
      now: () => t.clock.now,
      random: () => 0.5,
    });
  /** A real event: a new user's profile (`account.updated`); returns its webhook message id. */
  const event = async () => {
    const userId = `user${++users}`;
    const phone = `+3361234${String(users).padStart(4, '0')}`;
    await t.call(userId, 'PUT', '/v1/account/profile', {
      legalName: 'Ana Lima',
      country: 'FR',
      phone,
    });
    const { body } = await t.admin('GET', '/v1/admin/webhooks?limit=1');
    return body.data[0].id as string;
  };
  /** Runs the worker through the whole retry schedule while the receiver answers 500. */
  const failForADay = async (messages = 1) => {
    for (const delay of [...RETRY_DELAYS_MS, 0]) {
      platform.statuses.push(...Array(messages).fill(500));
      expect(await worker().deliverDue()).toBe(messages);
      t.clock.now += delay;
    }
  };

  beforeAll(async () => {
    db = await openTestStore(kind);
    platform = await receiver();
    t = await testApp(db.store, { webhooks: { url: platform.url, secret } });
  });
  beforeEach(async () => {
    await db.store.run('DELETE FROM webhook_outbox');
    platform.received.length = 0;
    platform.statuses.length = 0;
  });
  afterAll(async () => {
    await platform.close();
    await db.cleanup();
  });

  it('shows a message given up on, and sends it again once the receiver is back', async () => {
    const id = await event();
    await failForADay();
    const failed = await t.admin('GET', '/v1/admin/webhooks?status=failed');
    expect(failed.body.data).toEqual([
      expect.objectContaining({
        id,
        type: 'account.updated',
        status: 'failed',
        attempts: RETRY_DELAYS_MS.length + 1,
        lastError: 'HTTP 500',
        nextAttemptAt: null,
        failedAt: expect.any(String),
      }),
    ]);
    // Left alone, nothing more is sent.
    expect(await worker().deliverDue()).toBe(0);

    platform.received.length = 0;
    const retried = await t.admin('POST', '/v1/admin/webhooks/retry-failed', {});
    expect(retried).toMatchObject({ status: 200, body: { scheduled: 1 } });
    expect(await worker().deliverDue()).toBe(1);
    const [sent] = platform.received;
    expect(sent?.headers['webhook-id']).toBe(id);
    expect(
      new Webhook(secret).verify(sent?.body ?? '', sent?.headers as Record<string, string>),
    ).toMatchObject({ id, type: 'account.updated' });
    const delivered = await t.admin('GET', '/v1/admin/webhooks?status=delivered');
    expect(delivered.body.data).toEqual([
      expect.objectContaining({ id, status: 'delivered', attempts: 1, failedAt: null }),
    ]);
    expect((await t.admin('GET', '/v1/admin/webhooks?status=failed')).body.data).toEqual([]);
  });

  it('sends again only what failed, and only since the date given', async () => {
    const old = await event();
    t.clock.now += 60_000;
    const since = new Date(t.clock.now).toISOString();
    const recent = await event();
    await failForADay(2);
    const delivered = await event();
    await worker().deliverDue();

    const retried = await t.admin('POST', '/v1/admin/webhooks/retry-failed', { since });
    expect(retried.body).toEqual({ scheduled: 1 });
    const pending = await t.admin('GET', '/v1/admin/webhooks?status=pending');
    expect(pending.body.data.map((m: { id: string }) => m.id)).toEqual([recent]);
    const failed = await t.admin('GET', '/v1/admin/webhooks?status=failed');
    expect(failed.body.data.map((m: { id: string }) => m.id)).toEqual([old]);
    const all = await t.admin('GET', '/v1/admin/webhooks');
    expect(all.body.data.map((m: { id: string }) => m.id)).toEqual([delivered, recent, old]);
  });

  it('sends one message again, delivered or not, and pages newest first', async () => {
    const first = await event();
    const second = await event();
    await worker().deliverDue();
    expect(platform.received).toHaveLength(2);

    const page1 = await t.admin('GET', '/v1/admin/webhooks?limit=1');
    expect(page1.body).toMatchObject({ data: [{ id: second }], hasMore: true });
    const page2 = await t.admin(
      'GET',
      `/v1/admin/webhooks?limit=1&startingAfter=${page1.body.nextCursor}`,
    );
    expect(page2.body).toMatchObject({ data: [{ id: first }], hasMore: false, nextCursor: null });

    const again = await t.admin('POST', `/v1/admin/webhooks/${first}/retry`);
    expect(again).toMatchObject({
      status: 200,
      body: { id: first, status: 'pending', attempts: 0, deliveredAt: null },
    });
    expect(await worker().deliverDue()).toBe(1);
    expect(platform.received.map((r) => r.headers['webhook-id'])).toEqual([
      expect.any(String),
      expect.any(String),
      first,
    ]);
  });

  it('refuses what it cannot do with a clear 4xx, changing nothing', async () => {
    const id = await event();
    expect(
      await t.admin('POST', '/v1/admin/webhooks/ev_01JDNOSUCHMESSAGE000000000/retry'),
    ).toMatchObject({ status: 404 });
    for (const query of ['startingAfter=nope', 'status=lost', 'limit=0']) {
      expect((await t.admin('GET', `/v1/admin/webhooks?${query}`)).status).toBe(400);
    }
    for (const body of [{ since: 'yesterday' }, { since: '2026-12-01' }, { extra: 1 }]) {
      expect((await t.admin('POST', '/v1/admin/webhooks/retry-failed', body)).status).toBe(400);
    }
    // Without a webhook URL there is nowhere to send them.
    const off = await testApp(db.store);
    expect(await off.admin('POST', `/v1/admin/webhooks/${id}/retry`)).toMatchObject({
      status: 409,
      body: { error: { code: 'webhooks_off' } },
    });
    expect(await off.admin('POST', '/v1/admin/webhooks/retry-failed', {})).toMatchObject({
      status: 409,
      body: { error: { code: 'webhooks_off' } },
    });
    expect((await t.admin('GET', '/v1/admin/webhooks')).body.data).toEqual([
      expect.objectContaining({ id, status: 'pending', attempts: 0 }),
    ]);
  });
});
