import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enroll, nextPhone, type TestApp, testApp } from '../testing/platform.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';

const eur = (value: number) => ({ value, currency: 'EUR' });
const PIN = '914273';

/**
 * Whoever a user token can name can enroll, so they must be reachable: an e-mail address with
 * a `+`, a name with spaces and accents, an emoji, an id of 255 characters.
 */
describe.each(await storeKinds())('user ids as platforms make them, on the %s store', (kind) => {
  let db: TestStore;
  let t: TestApp;
  const alice = `${kind}-alice`;
  const people = [
    `${kind}+alice.martin@example.com`,
    `Élodie Dupont ${kind}`,
    `${kind} 💸 #42/7`,
    `${kind}-`.padEnd(255, 'x'),
  ];

  beforeAll(async () => {
    db = await openTestStore(kind);
    t = await testApp(db.store);
    for (const id of [alice, ...people]) await enroll(t, id, { phone: nextPhone(), pin: PIN });
  });
  afterAll(() => db.cleanup());

  it('pays them, asks them for money, and confirms payments to them with the PIN', async () => {
    for (const id of people) {
      const sent = await t.pay(alice, '/v1/transfers', { recipientId: id, amount: eur(100) });
      expect([sent.status, sent.body.status, sent.body.recipientId]).toEqual([
        201,
        'completed',
        id,
      ]);
    }
    const asked = await t.pay(alice, '/v1/requests', {
      split: { total: eur(1000), among: people.slice(0, 2), includeSelf: false },
    });
    expect(asked.status).toBe(201);
    const [request] = asked.body.data;
    const paid = await t.pay(request.payerId, '/v1/transfers', {
      recipientId: alice,
      amount: request.amount,
      requestId: request.id,
    });
    expect(paid.body.status).toBe('completed');
    const payee = people[3] as string;
    const { body } = await t.call(alice, 'POST', '/v1/authorizations', {
      pin: PIN,
      amount: eur(5000),
      payeeId: payee,
    });
    const confirmed = await t.pay(alice, '/v1/transfers', {
      recipientId: payee,
      amount: eur(5000),
      authorization: body.authorization,
    });
    expect(confirmed.body.status).toBe('completed');
  });

  it('refuses, changing nothing, ids no token could carry', async () => {
    const before = (await t.call(alice, 'GET', '/v1/transfers?limit=100')).body.data.length;
    for (const id of ['', 'x'.repeat(256), `${'x'.repeat(254)}💸`]) {
      const res = await t.pay(alice, '/v1/transfers', { recipientId: id, amount: eur(100) });
      expect([res.status, res.body.error.param]).toEqual([400, 'recipientId']);
      const asked = await t.pay(alice, '/v1/requests', {
        payers: [{ userId: id, amount: eur(1) }],
      });
      expect([asked.status, asked.body.error.param]).toEqual([400, 'payers.0.userId']);
    }
    expect((await t.call(alice, 'GET', '/v1/transfers?limit=100')).body.data).toHaveLength(before);
    expect((await t.call(alice, 'GET', '/v1/requests?limit=100')).body.data).toHaveLength(2);
  });
});
