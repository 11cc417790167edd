import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBalancedLedger, sandboxCount } from '../testing/money.js';
import {
  DECLINED_CARD,
  enroll,
  enrollUntilCode,
  FR_CARD_1_DAY,
  GB_CARD,
  NO_FUNDS_CARD,
  nextPhone,
  type TestApp,
  testApp,
} from '../testing/platform.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';

const eur = (value: number) => ({ value, currency: 'EUR' });
const PIN = '914273';

describe.each(await storeKinds())('transfers on the %s store', (kind) => {
  let db: TestStore;
  let t: TestApp;
  let n = 0;
  /** A fresh active French user. */
  const user = async (card?: string) => {
    const id = `${kind}-u${++n}`;
    await enroll(t, id, { phone: nextPhone(), pin: PIN, ...(card ? { card } : {}) });
    return id;
  };
  const authorize = async (from: string, to: string, value: number, pin = PIN) =>
    t.call(from, 'POST', '/v1/authorizations', { pin, amount: eur(value), payeeId: to });

  beforeAll(async () => {
    db = await openTestStore(kind);
    t = await testApp(db.store);
  });
  afterAll(() => db.cleanup());

  it('sends a small amount without a PIN and completes it at once', async () => {
    const [alice, bob] = [await user(), await user()];
    const res = await t.pay(alice, '/v1/transfers', {
      recipientId: bob,
      amount: eur(2000),
      note: 'Resto',
      conversationId: 'c1',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'completed',
      amount: eur(2000),
      senderId: alice,
      recipientId: bob,
      note: 'Resto',
      conversationId: 'c1',
      failureReason: null,
    });
    expect(res.body.availableAt).toBe(res.body.completedAt);
    expect(await sandboxCount(db.store, res.body.id, 'charge')).toBe(1);
    expect(await sandboxCount(db.store, res.body.id, 'payout')).toBe(1);
    const seen = await t.call(bob, 'GET', `/v1/transfers/${res.body.id}`);
    expect(seen.body).toEqual(res.body);
    await expectBalancedLedger(db.store);
  });

  it('returns the first result for a repeated Idempotency-Key and refuses another body', async () => {
    const [alice, bob] = [await user(), await user()];
    const body = { recipientId: bob, amount: eur(1500) };
    const first = await t.pay(alice, '/v1/transfers', body, 'key-1');
    const again = await t.pay(alice, '/v1/transfers', body, 'key-1');
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const other = await t.pay(alice, '/v1/transfers', { ...body, amount: eur(1600) }, 'key-1');
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({
      type: 'idempotency_error',
      code: 'idempotency_error',
    });
    const list = await t.call(alice, 'GET', '/v1/transfers');
    expect(list.body.data).toHaveLength(1);
    expect(await sandboxCount(db.store, first.body.id, 'charge')).toBe(1);
  });

  it('answers simultaneous repeats of one Idempotency-Key with the same final transfer', async () => {
    const [alice, bob] = [await user(), await user()];
    const body = { recipientId: bob, amount: eur(1200) };
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => t.pay(alice, '/v1/transfers', body, 'same-key')),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
    for (const answer of answers) expect(answer.body).toEqual(answers[0]?.body);
    expect(answers[0]?.body.status).toBe('completed');
    const id = answers[0]?.body.id;
    expect(await sandboxCount(db.store, id, 'charge')).toBe(1);
    expect(await sandboxCount(db.store, id, 'payout')).toBe(1);
    await expectBalancedLedger(db.store);
  });

  it('refuses a transfer without an Idempotency-Key', async () => {
    const [alice, bob] = [await user(), await user()];
    const res = await t.call(alice, 'POST', '/v1/transfers', {
      recipientId: bob,
      amount: eur(100),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe('idempotency-key');
  });

  it('asks for the PIN above the exemption, binding the authorization to amount and payee', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()];
    const noPin = await t.pay(alice, '/v1/transfers', { recipientId: bob, amount: eur(4000) });
    expect(noPin.status).toBe(403);
    expect(noPin.body.error.code).toBe('authentication_required');

    const wrong = await authorize(alice, bob, 4000, '111999');
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('authentication_failed');

    // Authorizations no transfer could use are refused before the PIN is even tried.
    const gbp = await t.call(alice, 'POST', '/v1/authorizations', {
      pin: '111999',
      amount: { value: 4000, currency: 'GBP' },
      payeeId: bob,
    });
    expect(gbp.status).toBe(422);
    expect(gbp.body.error).toMatchObject({ code: 'currency_mismatch', param: 'amount.currency' });
    const self = await authorize(alice, alice, 4000, '111999');
    expect(self.body.error).toMatchObject({ code: 'recipient_invalid', param: 'payeeId' });

    const { body: auth } = await authorize(alice, bob, 4000);
    for (const changed of [
      { recipientId: bob, amount: eur(4001) },
      { recipientId: carol, amount: eur(4000) },
    ]) {
      const res = await t.pay(alice, '/v1/transfers', {
        ...changed,
        authorization: auth.authorization,
      });
      expect(res.status).toBe(403);
    }
    const ok = await t.pay(alice, '/v1/transfers', {
      recipientId: bob,
      amount: eur(4000),
      authorization: auth.authorization,
    });
    expect(ok.status).toBe(201);
    expect(ok.body.status).toBe('completed');
    const reused = await t.pay(alice, '/v1/transfers', {
      recipientId: bob,
      amount: eur(4000),
      authorization: auth.authorization,
    });
    expect(reused.status).toBe(403);
    // As a token of its own: random request ids and signatures may hold the same six digits.
    expect(JSON.stringify(t.logs)).not.toMatch(new RegExp(`(?<![0-9A-Za-z])${PIN}(?![0-9A-Za-z])`));
  });

  it('limits the exemption to 5 payments and 100 since the last PIN', async () => {
    const [alice, bob] = [await user(), await user()];
    for (let i = 0; i < 5; i++) {
      expect(
        (await t.pay(alice, '/v1/transfers', { recipientId: bob, amount: eur(1000) })).status,
      ).toBe(201);
    }
    const sixth = await t.pay(alice, '/v1/transfers', { recipientId: bob, amount: eur(1000) });
    expect(sixth.body.error.code).toBe('authentication_required');
    t.clock.now += 1000;
    await authorize(alice, bob, 100); // a PIN entry opens a new window
    t.clock.now += 1000;
    expect(
      (await t.pay(alice, '/v1/transfers', { recipientId: bob, amount: eur(3000) })).status,
    ).toBe(201);
    expect(
      (await t.pay(alice, '/v1/transfers', { recipientId: bob, amount: eur(3000) })).status,
    ).toBe(201);
    expect(
      (await t.pay(alice, '/v1/transfers', { recipientId: bob, amount: eur(3000) })).status,
    ).toBe(201);
    const over100 = await t.pay(alice, '/v1/transfers', { recipientId: bob, amount: eur(1500) });
    expect(over100.body.error.code).toBe('authentication_required');
  });

  it('holds simultaneous transfers within the new-account limit', async () => {
    const [alice, bob] = [await user(), await user()];
    const auths = [];
    // One PIN entry every 3 s, as a person would: the PIN rate limit (20 a minute) never trips.
    for (let i = 0; i < 20; i++) {
      t.clock.now += 3000;
      auths.push(await authorize(alice, bob, 4000));
    }
    const results = await Promise.all(
      auths.map(({ body }) =>
        t.pay(alice, '/v1/transfers', {
          recipientId: bob,
          amount: eur(4000),
          authorization: body.authorization,
        }),
      ),
    );
    const ok = results.filter((r) => r.status === 201);
    expect(ok).toHaveLength(6); // 6 x 40 = 240 <= 250 over 7 days
    for (const r of results.filter((r) => r.status !== 201)) {
      expect(r.body.error.code).toBe('limit_exceeded');
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('limit_exceeded');
    }
    const over = await t.pay(alice, '/v1/transfers', { recipientId: bob, amount: eur(60_000) });
    expect(over.status).toBe(422);
    await expectBalancedLedger(db.store);
  });

  it('holds money for someone not enrolled yet and pays them when they enroll', async () => {
    const alice = await user();
    const carol = `${kind}-carol`;
    const res = await t.pay(alice, '/v1/transfers', { recipientId: carol, amount: eur(2500) });
    expect(res.body.status).toBe('awaiting_recipient');
    expect(Date.parse(res.body.expiresAt) - Date.parse(res.body.createdAt)).toBe(
      7 * 24 * 3600 * 1000,
    );
    expect(await sandboxCount(db.store, res.body.id, 'charge')).toBe(1);
    await enroll(t, carol, { phone: nextPhone(), card: FR_CARD_1_DAY });
    const done = await t.call(carol, 'GET', `/v1/transfers/${res.body.id}`);
    expect(done.body.status).toBe('completed');
    // A 1-business-day card: available later than paid.
    expect(Date.parse(done.body.availableAt)).toBeGreaterThan(Date.parse(done.body.completedAt));
    await expectBalancedLedger(db.store);
  });

  it('refunds a held transfer whose recipient enrolls in another country', async () => {
    const alice = await user();
    const gary = `${kind}-gary`;
    const res = await t.pay(alice, '/v1/transfers', { recipientId: gary, amount: eur(2000) });
    expect(res.body.status).toBe('awaiting_recipient');
    await enroll(t, gary, { phone: '+447400123456', card: GB_CARD, country: 'GB' });
    const done = await t.call(alice, 'GET', `/v1/transfers/${res.body.id}`);
    expect(done.body).toMatchObject({ status: 'failed', failureReason: 'recipient_not_domestic' });
    expect(await sandboxCount(db.store, res.body.id, 'payout')).toBe(0);
    expect(await sandboxCount(db.store, res.body.id, 'refund')).toBe(1);
    // The background pass finds nothing left to pay him either.
    await t.app.jobs.runOnce();
    expect(await sandboxCount(db.store, res.body.id, 'payout')).toBe(0);
    await expectBalancedLedger(db.store);
  });

  it('answers every one of simultaneous cancels as canceled, and refunds once', async () => {
    const alice = await user();
    const res = await t.pay(alice, '/v1/transfers', {
      recipientId: `${kind}-hana`,
      amount: eur(700),
    });
    const cancels = await Promise.all(
      Array.from({ length: 5 }, () => t.call(alice, 'POST', `/v1/transfers/${res.body.id}/cancel`)),
    );
    expect(cancels.map((c) => [c.status, c.body.status])).toEqual(
      Array.from({ length: 5 }, () => [200, 'canceled']),
    );
    expect(await sandboxCount(db.store, res.body.id, 'refund')).toBe(1);
    await expectBalancedLedger(db.store);
  });

  it('pays out or refunds held money, never both, when a cancel races the enrollment', async () => {
    const alice = await user();
    for (let round = 0; round < 4; round++) {
      const rae = `${kind}-rae${round}`;
      const res = await t.pay(alice, '/v1/transfers', { recipientId: rae, amount: eur(1) });
      // Rae enrolls up to the SMS code; its check (which pays her) races Alice's cancels.
      const { code } = await enrollUntilCode(t, rae, { phone: nextPhone() });
      const cancel = () => t.call(alice, 'POST', `/v1/transfers/${res.body.id}/cancel`);
      const [verified, ...cancels] = await Promise.all([
        t.call(rae, 'POST', '/v1/account/verification/check', { code }),
        cancel(),
        cancel(),
        cancel(),
      ]);
      expect(verified.body.status).toBe('active');
      await t.app.jobs.runOnce();
      const final = (await t.call(alice, 'GET', `/v1/transfers/${res.body.id}`)).body;
      const [payouts, refunds] = [
        await sandboxCount(db.store, res.body.id, 'payout'),
        await sandboxCount(db.store, res.body.id, 'refund'),
      ];
      expect([final.status, payouts, refunds]).toEqual(
        final.status === 'completed' ? ['completed', 1, 0] : ['canceled', 0, 1],
      );
      // A cancel that lost says so; none claims what did not happen.
      for (const c of cancels) {
        if (final.status === 'completed') expect(c.status).toBe(409);
        else expect([c.status, c.body.status]).toEqual([200, 'canceled']);
      }
    }
    await expectBalancedLedger(db.store);
  });

  it('refunds what waited 7 days, and lets the sender cancel before', async () => {
    const alice = await user();
    const waited = await t.pay(alice, '/v1/transfers', {
      recipientId: `${kind}-dave`,
      amount: eur(1200),
    });
    const canceled = await t.pay(alice, '/v1/transfers', {
      recipientId: `${kind}-erin`,
      amount: eur(800),
    });

    expect(
      (await t.call(`${kind}-erin`, 'POST', `/v1/transfers/${canceled.body.id}/cancel`)).status,
    ).toBe(404);
    const cancel = await t.call(alice, 'POST', `/v1/transfers/${canceled.body.id}/cancel`);
    expect(cancel.status).toBe(200);
    expect(cancel.body.status).toBe('canceled');
    expect(await sandboxCount(db.store, canceled.body.id, 'refund')).toBe(1);

    t.clock.now += 7 * 24 * 3600 * 1000 - 1000;
    await t.app.jobs.runOnce();
    expect((await t.call(alice, 'GET', `/v1/transfers/${waited.body.id}`)).body.status).toBe(
      'awaiting_recipient',
    );
    t.clock.now += 2000;
    await t.app.jobs.runOnce();
    const expired = await t.call(alice, 'GET', `/v1/transfers/${waited.body.id}`);
    expect(expired.body).toMatchObject({ status: 'canceled', failureReason: 'expired' });
    expect(await sandboxCount(db.store, waited.body.id, 'refund')).toBe(1);
    const late = await t.call(alice, 'POST', `/v1/transfers/${waited.body.id}/cancel`);
    expect(late.body.status).toBe('canceled');
    await expectBalancedLedger(db.store);
    t.clock.now = Date.now();
  });

  it('fails transfers the card network declines, moving no money', async () => {
    const bob = await user();
    for (const [card, reason] of [
      [DECLINED_CARD, 'card_declined'],
      [NO_FUNDS_CARD, 'insufficient_funds'],
    ] as const) {
      const sender = await user(card);
      const res = await t.pay(sender, '/v1/transfers', { recipientId: bob, amount: eur(500) });
      expect(res.body).toMatchObject({ status: 'failed', failureReason: reason });
      expect(await sandboxCount(db.store, res.body.id, 'payout')).toBe(0);
    }
    await expectBalancedLedger(db.store);
  });

  it('shows transfers only to their two parties, newest first, page by page', async () => {
    const [alice, bob, mallory] = [await user(), await user(), await user()];
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      t.clock.now += 1000;
      const res = await t.pay(alice, '/v1/transfers', {
        recipientId: bob,
        amount: eur(100 + i),
        conversationId: i % 2 ? 'odd' : 'even',
      });
      ids.push(res.body.id);
    }
    expect((await t.call(mallory, 'GET', `/v1/transfers/${ids[0]}`)).status).toBe(404);
    expect((await t.call(mallory, 'GET', '/v1/transfers')).body.data).toEqual([]);

    const first = await t.call(bob, 'GET', '/v1/transfers?limit=2');
    expect(first.body.data.map((x: { id: string }) => x.id)).toEqual([ids[4], ids[3]]);
    expect(first.body.hasMore).toBe(true);
    const second = await t.call(
      bob,
      'GET',
      `/v1/transfers?limit=2&startingAfter=${first.body.nextCursor}`,
    );
    expect(second.body.data.map((x: { id: string }) => x.id)).toEqual([ids[2], ids[1]]);
    const odd = await t.call(alice, 'GET', '/v1/transfers?conversationId=odd');
    expect(odd.body.data.map((x: { id: string }) => x.id)).toEqual([ids[3], ids[1]]);
    expect((await t.call(bob, 'GET', '/v1/transfers?startingAfter=nope')).status).toBe(400);
    for (const limit of ['0', '101', '1e2', '0x10', '%205', '2.5', '']) {
      const res = await t.call(bob, 'GET', `/v1/transfers?limit=${limit}`);
      expect([limit, res.status, res.body.error.param]).toEqual([limit, 400, 'limit']);
    }
  });

  it('refuses bad transfers with a 4xx and changes nothing', async () => {
    const [alice, bob] = [await user(), await user()];
    const bad = [
      { recipientId: bob, amount: { value: 10.5, currency: 'EUR' } },
      { recipientId: bob, amount: { value: -100, currency: 'EUR' } },
      { recipientId: bob, amount: { value: 100, currency: 'GBP' } },
      { recipientId: alice, amount: eur(100) },
      { recipientId: bob, amount: eur(100), extra: true },
      { recipientId: '', amount: eur(100) },
      { recipientId: bob, amount: eur(100), note: 'dinner\u001b[2J' },
      { recipientId: bob, amount: eur(100), note: 'two\nlines' },
    ];
    for (const body of bad) {
      const res = await t.pay(alice, '/v1/transfers', body);
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    const to = JSON.stringify(bob);
    const ambiguous = [
      // The last key would win: the money would go to whoever the second one names.
      `{"recipientId":"${alice}-other","recipientId":${to},"amount":{"value":100,"currency":"EUR"}}`,
      // A note that is not UTF-8, or holds a lone surrogate, would be stored changed.
      Buffer.from(
        `{"recipientId":${to},"amount":{"value":100,"currency":"EUR"},"note":"caf\xff"}`,
        'latin1',
      ),
      `{"recipientId":${to},"amount":{"value":100,"currency":"EUR"},"note":"a\\ud800b"}`,
    ];
    for (const body of ambiguous) {
      const res = await t.pay(alice, '/v1/transfers', new Uint8Array(Buffer.from(body)));
      expect(res.status, String(body)).toBe(400);
      expect(res.body.error.code).toBe('parameter_invalid');
    }
    // Past the largest safe integer, the error still names the real limit.
    for (const value of [1e21, 2 ** 53]) {
      const res = await t.pay(alice, '/v1/transfers', { recipientId: bob, amount: eur(value) });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ param: 'amount.value' });
      expect(res.body.error.message).toContain('100000000');
    }
    expect((await t.call(alice, 'GET', '/v1/transfers')).body.data).toEqual([]);
    const unenrolled = await t.pay(`${kind}-nobody`, '/v1/transfers', {
      recipientId: bob,
      amount: eur(100),
    });
    expect(unenrolled.status).toBe(403);
  });
});
