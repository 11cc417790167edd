import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enroll, mintToken, nextPhone, type TestApp, testApp } from '../testing/platform.js';
import { listenHttp, openEvents } from '../testing/sse.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';

const eur = (value: number) => ({ value, currency: 'EUR' });

describe.each(await storeKinds())('live transfer and request updates on the %s store', (kind) => {
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

  /** The user's event stream, from after their enrollment events. */
  const stream = async (userId: string) => {
    const last = await db.store.get<{ seq: number }>(
      'SELECT MAX(seq) AS seq FROM events WHERE user_id = ?',
      [userId],
    );
    const token = await mintToken(t.keys, userId, { iat: Math.floor(t.clock.now / 1000) });
    const res = await openEvents(`${http.url}/v1/events`, token, {
      'Last-Event-ID': String(last?.seq ?? 0),
    });
    return res.messages as NonNullable<typeof res.messages>;
  };
  const parsed = (m: { data: string }) => JSON.parse(m.data);

  it('shows both ends a transfer going from pending to completed within a second', async () => {
    const [alice, bob] = [`${kind}-live-a`, `${kind}-live-b`];
    await enroll(t, alice, { phone: nextPhone() });
    await enroll(t, bob, { phone: nextPhone() });
    const [aliceEvents, bobEvents] = [await stream(alice), await stream(bob)];
    const sent = await t.pay(alice, '/v1/transfers', {
      recipientId: bob,
      amount: eur(2000),
      conversationId: 'c',
    });
    for (const events of [aliceEvents, bobEvents]) {
      const updates = (await events.take(2, 1000)).map(parsed);
      expect(updates.map((e) => [e.type, e.data.id, e.data.status])).toEqual([
        ['transfer.updated', sent.body.id, 'pending'],
        ['transfer.updated', sent.body.id, 'completed'],
      ]);
      expect(updates[1].data).toEqual(sent.body);
      events.close();
    }
  });

  it('tells the requester when a request is paid, and the payer when one arrives', async () => {
    const [alice, bob] = [`${kind}-live-c`, `${kind}-live-d`];
    await enroll(t, alice, { phone: nextPhone() });
    await enroll(t, bob, { phone: nextPhone() });
    const [aliceEvents, bobEvents] = [await stream(alice), await stream(bob)];
    const made = await t.pay(alice, '/v1/requests', {
      payers: [{ userId: bob, amount: eur(900) }],
    });
    const request = made.body.data[0];
    const [arrived] = (await bobEvents.take(1, 1000)).map(parsed);
    expect(arrived).toMatchObject({
      type: 'request.updated',
      data: { id: request.id, status: 'open' },
    });
    await t.pay(bob, '/v1/transfers', {
      recipientId: alice,
      amount: eur(900),
      requestId: request.id,
    });
    // The request as it opens, gets a transfer, and is paid; the transfer as it moves on.
    const seen = (await aliceEvents.take(5, 1000)).map(parsed);
    const requestStates = seen
      .filter((e) => e.type === 'request.updated')
      .map((e) => e.data.status);
    expect(requestStates.at(0)).toBe('open');
    expect(requestStates.at(-1)).toBe('paid');
    expect(seen.at(-1)).toMatchObject({ type: 'transfer.updated', data: { status: 'completed' } });
    aliceEvents.close();
    bobEvents.close();
  });
});
