import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBalancedLedger } from '../testing/money.js';
import { enroll, nextPhone, type TestApp, testApp } from '../testing/platform.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';
import { splitEvenly } from './request-row.js';

const eur = (value: number) => ({ value, currency: 'EUR' });

describe('splitEvenly', () => {
  it('gives shares that add up to the total, off by at most one cent', () => {
    expect(splitEvenly(10_000, 3)).toEqual([3334, 3333, 3333]);
    for (const [total, people] of [
      [1, 4],
      [999, 7],
      [12_345, 50],
    ] as const) {
      const parts = splitEvenly(total, people);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      expect(Math.max(...parts) - Math.min(...parts)).toBeLessThanOrEqual(1);
    }
  });
});

describe.each(await storeKinds())('requests on the %s store', (kind) => {
  let db: TestStore;
  let t: TestApp;
  let n = 0;
  const user = async () => {
    const id = `${kind}-r${++n}`;
    await enroll(t, id, { phone: nextPhone() });
    return id;
  };
  beforeAll(async () => {
    db = await openTestStore(kind);
    t = await testApp(db.store);
  });
  afterAll(() => db.cleanup());

  it('asks one person, who pays it through a linked transfer', async () => {
    const [alice, bob] = [await user(), await user()];
    const made = await t.pay(alice, '/v1/requests', {
      conversationId: 'c-ab',
      note: 'Cinéma',
      payers: [{ userId: bob, amount: eur(1250) }],
    });
    expect(made.status).toBe(201);
    const [request] = made.body.data;
    expect(request).toMatchObject({
      status: 'open',
      requesterId: alice,
      payerId: bob,
      amount: eur(1250),
    });

    const wrongAmount = await t.pay(bob, '/v1/transfers', {
      recipientId: alice,
      amount: eur(1000),
      requestId: request.id,
    });
    expect(wrongAmount.status).toBe(422);
    // An empty requestId (a client's unset field) is not "no request": the payment would go
    // through paying nothing, and show `requestId: ""`.
    const unset = await t.pay(bob, '/v1/transfers', {
      recipientId: alice,
      amount: eur(1250),
      requestId: '',
    });
    expect([unset.status, unset.body.error?.param]).toEqual([400, 'requestId']);
    const paid = await t.pay(bob, '/v1/transfers', {
      recipientId: alice,
      amount: eur(1250),
      requestId: request.id,
      conversationId: 'c-ab',
    });
    expect(paid.body).toMatchObject({ status: 'completed', requestId: request.id });
    const after = await t.call(alice, 'GET', `/v1/requests/${request.id}`);
    expect(after.body).toMatchObject({ status: 'paid', transferId: paid.body.id });
    const twice = await t.pay(bob, '/v1/transfers', {
      recipientId: alice,
      amount: eur(1250),
      requestId: request.id,
    });
    expect(twice.status).toBe(409);
    expect((await t.call(bob, 'POST', `/v1/requests/${request.id}/decline`)).status).toBe(409);
    await expectBalancedLedger(db.store);
  });

  it('splits a total across a group, with or without the requester', async () => {
    const [alice, bob, carol, dan] = [await user(), await user(), await user(), await user()];
    const withSelf = await t.pay(alice, '/v1/requests', {
      conversationId: 'trip',
      split: { total: eur(10_000), among: [bob, carol, dan], includeSelf: true },
    });
    expect(
      withSelf.body.data.map((r: { amount: { value: number } }) => r.amount.value).sort(),
    ).toEqual([2500, 2500, 2500]);
    const without = await t.pay(alice, '/v1/requests', {
      split: { total: eur(10_000), among: [bob, carol, dan], includeSelf: false },
    });
    const values = without.body.data.map((r: { amount: { value: number } }) => r.amount.value);
    expect(values.reduce((a: number, b: number) => a + b, 0)).toBe(10_000);

    // Each member sees the whole group: who has paid.
    const bobsShare = withSelf.body.data.find((r: { payerId: string }) => r.payerId === bob);
    await t.pay(bob, '/v1/transfers', {
      recipientId: alice,
      amount: eur(2500),
      requestId: bobsShare.id,
    });
    const group = await t.call(carol, 'GET', `/v1/requests?groupId=${withSelf.body.groupId}`);
    expect(group.body.data).toHaveLength(3);
    const statuses = Object.fromEntries(
      group.body.data.map((r: { payerId: string; status: string }) => [r.payerId, r.status]),
    );
    expect(statuses).toEqual({ [bob]: 'paid', [carol]: 'open', [dan]: 'open' });
    const outsider = await user();
    expect(
      (await t.call(outsider, 'GET', `/v1/requests?groupId=${withSelf.body.groupId}`)).body.data,
    ).toEqual([]);
    // An empty groupId (a client's unset field) is no filter at all: it would show all of
    // Carol's requests as this group.
    const unset = await t.call(carol, 'GET', '/v1/requests?groupId=');
    expect([unset.status, unset.body.error?.param]).toEqual([400, 'groupId']);
  });

  it('answers a group in the order its people were given, the extra cents on the first', async () => {
    const [alice, bob, carol, dan] = [await user(), await user(), await user(), await user()];
    const among = [dan, bob, carol];
    // Ids made in one millisecond have no order of their own: try enough groups to see it.
    for (let round = 0; round < 8; round++) {
      const key = `order-${round}`;
      const body = { split: { total: eur(100), among, includeSelf: false } };
      const made = await t.pay(alice, '/v1/requests', body, key);
      const shares = made.body.data.map((r: { payerId: string; amount: { value: number } }) => [
        r.payerId,
        r.amount.value,
      ]);
      expect(shares).toEqual([
        [dan, 34],
        [bob, 33],
        [carol, 33],
      ]);
      // The retry answers the same, in the same order.
      expect((await t.pay(alice, '/v1/requests', body, key)).body).toEqual(made.body);
      const asked = await t.pay(alice, '/v1/requests', {
        payers: [carol, dan, bob].map((userId, i) => ({ userId, amount: eur(100 + i) })),
      });
      expect(asked.body.data.map((r: { payerId: string }) => r.payerId)).toEqual([carol, dan, bob]);
    }
  });

  it('lets the payer decline and the requester cancel, and no one else', async () => {
    const [alice, bob, mallory] = [await user(), await user(), await user()];
    const made = await t.pay(alice, '/v1/requests', {
      payers: [
        { userId: bob, amount: eur(500) },
        { userId: mallory, amount: eur(500) },
      ],
    });
    const [first, second] = made.body.data;
    const bobs = first.payerId === bob ? first : second;
    expect((await t.call(mallory, 'POST', `/v1/requests/${bobs.id}/decline`)).status).toBe(404);
    expect((await t.call(alice, 'POST', `/v1/requests/${bobs.id}/decline`)).status).toBe(409);
    const declined = await t.call(bob, 'POST', `/v1/requests/${bobs.id}/decline`);
    expect(declined.body.status).toBe('declined');
    const other = first.payerId === bob ? second : first;
    expect((await t.call(alice, 'POST', `/v1/requests/${other.id}/cancel`)).body.status).toBe(
      'canceled',
    );
    const late = await t.pay(mallory, '/v1/transfers', {
      recipientId: alice,
      amount: eur(500),
      requestId: other.id,
    });
    expect(late.status).toBe(409);
  });

  it('lets exactly one of a payment, a cancel and a decline win when they race', async () => {
    const [alice, bob] = [await user(), await user()];
    // Four rounds: within the 5 payments Bob may make without his PIN.
    for (let i = 0; i < 4; i++) {
      const made = await t.pay(alice, '/v1/requests', {
        payers: [{ userId: bob, amount: eur(101) }],
      });
      const id = made.body.data[0].id;
      const [pay, cancel, decline] = await Promise.all([
        t.pay(bob, '/v1/transfers', { recipientId: alice, amount: eur(101), requestId: id }),
        t.call(alice, 'POST', `/v1/requests/${id}/cancel`),
        t.call(bob, 'POST', `/v1/requests/${id}/decline`),
      ]);
      const won = [pay.status === 201, cancel.status === 200, decline.status === 200];
      expect(won.filter(Boolean)).toHaveLength(1);
      for (const lost of [pay, cancel, decline].filter((r) => r.status >= 400)) {
        expect(lost.status).toBe(409);
        expect(lost.body.error.code).toBe('request_not_open');
      }
      const request = (await t.call(alice, 'GET', `/v1/requests/${id}`)).body;
      const expected = won[0] ? 'paid' : won[1] ? 'canceled' : 'declined';
      expect(request.status).toBe(expected);
      expect(request.transferId).toBe(won[0] ? pay.body.id : null);
    }
    await expectBalancedLedger(db.store);
  });

  it('refuses, with a 409, one Idempotency-Key sent for a transfer and a request at once', async () => {
    const [alice, bob] = [await user(), await user()];
    for (let i = 0; i < 5; i++) {
      const key = crypto.randomUUID();
      const answers = await Promise.all([
        t.pay(alice, '/v1/transfers', { recipientId: bob, amount: eur(100) }, key),
        t.pay(alice, '/v1/requests', { payers: [{ userId: bob, amount: eur(100) }] }, key),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
      expect(answers.find((a) => a.status === 409)?.body.error.code).toBe('idempotency_error');
    }
  });

  it('is idempotent and refuses bad requests without creating any', async () => {
    const [alice, bob] = [await user(), await user()];
    const body = { payers: [{ userId: bob, amount: eur(700) }] };
    const a = await t.pay(alice, '/v1/requests', body, 'rk');
    const b = await t.pay(alice, '/v1/requests', body, 'rk');
    expect(b.body).toEqual(a.body);
    expect(
      (await t.pay(alice, '/v1/requests', { payers: [{ userId: bob, amount: eur(701) }] }, 'rk'))
        .status,
    ).toBe(409);
    for (const bad of [
      {},
      { payers: [] },
      { payers: [{ userId: alice, amount: eur(100) }] },
      {
        payers: [
          { userId: bob, amount: eur(100) },
          { userId: bob, amount: eur(100) },
        ],
      },
      { payers: [{ userId: bob, amount: { value: 100, currency: 'USD' } }] },
      {
        payers: [{ userId: bob, amount: eur(100) }],
        split: { total: eur(100), among: [bob], includeSelf: false },
      },
      { split: { total: eur(100), among: [bob] } },
    ]) {
      const res = await t.pay(alice, '/v1/requests', bad);
      expect(res.status, JSON.stringify(bad)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    expect((await t.call(alice, 'GET', '/v1/requests')).body.data).toHaveLength(1);
  });

  it('refuses to ask someone enrolled in another country, who could never pay', async () => {
    const [alice, bob] = [await user(), await user()];
    const brit = `${kind}-r-gb`;
    await t.call(brit, 'PUT', '/v1/account/profile', {
      legalName: 'Tom Brown',
      country: 'GB',
      phone: '+447400123499',
    });
    const res = await t.pay(alice, '/v1/requests', {
      split: { total: eur(3000), among: [bob, brit], includeSelf: false },
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'payer_not_domestic', param: 'split.among.1' });
    expect((await t.call(alice, 'GET', '/v1/requests')).body.data).toEqual([]);
    // Someone not enrolled at all may still be asked: they enroll, then pay.
    const later = await t.pay(alice, '/v1/requests', {
      payers: [{ userId: `${kind}-r-new`, amount: eur(500) }],
    });
    expect(later.status).toBe(201);
  });
});
