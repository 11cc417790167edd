import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBalancedLedger, sandboxCount } from '../testing/money.js';
import { enroll, enrollUntilCode, nextPhone, type TestApp, testApp } from '../testing/platform.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';

const eur = (value: number) => ({ value, currency: 'EUR' });
const WEEK = 7 * 24 * 3600 * 1000;

/** The 7 days a transfer waits for its recipient, to the millisecond. */
describe.each(await storeKinds())('the wait for a recipient on the %s store', (kind) => {
  let db: TestStore;
  let t: TestApp;
  let n = 0;
  const base = Date.now();

  beforeAll(async () => {
    db = await openTestStore(kind);
    t = await testApp(db.store);
  });
  afterAll(() => db.cleanup());

  /** A transfer from a fresh sender to someone not enrolled yet, and its expiry. */
  async function waiting() {
    t.clock.now = base;
    const alice = `${kind}-s${++n}`;
    await enroll(t, alice, { phone: nextPhone() });
    const recipient = `${kind}-r${n}`;
    const res = await t.pay(alice, '/v1/transfers', { recipientId: recipient, amount: eur(1500) });
    expect(res.body.status).toBe('awaiting_recipient');
    return {
      alice,
      recipient,
      id: res.body.id as string,
      expiresAt: Date.parse(res.body.expiresAt),
    };
  }
  const outcome = async (alice: string, id: string) => {
    const { body } = await t.call(alice, 'GET', `/v1/transfers/${id}`);
    return [
      body.status,
      body.failureReason,
      await sandboxCount(db.store, id, 'payout'),
      await sandboxCount(db.store, id, 'refund'),
    ];
  };
  /** The recipient enrolls with their SMS code checked at `at`. */
  async function enrollAt(recipient: string, at: number) {
    t.clock.now = at - 60_000;
    const { code } = await enrollUntilCode(t, recipient, { phone: nextPhone() });
    t.clock.now = at;
    const res = await t.call(recipient, 'POST', '/v1/account/verification/check', { code });
    expect(res.body.status).toBe('active');
  }

  it('expires exactly 7 days after the charge, not a millisecond before', async () => {
    const { alice, id, expiresAt } = await waiting();
    expect(expiresAt).toBe(base + WEEK);
    t.clock.now = expiresAt - 1;
    await t.app.jobs.runOnce();
    expect(await outcome(alice, id)).toEqual(['awaiting_recipient', null, 0, 0]);
    t.clock.now = expiresAt;
    await t.app.jobs.runOnce();
    expect(await outcome(alice, id)).toEqual(['canceled', 'expired', 0, 1]);
  });

  it('pays a recipient who enrolls a millisecond before the expiry', async () => {
    const { alice, recipient, id, expiresAt } = await waiting();
    await enrollAt(recipient, expiresAt - 1);
    expect(await outcome(alice, id)).toEqual(['completed', null, 1, 0]);
  });

  it('refunds, not pays, when the recipient enrolls at the expiry, before the job has run', async () => {
    const { alice, recipient, id, expiresAt } = await waiting();
    await enrollAt(recipient, expiresAt);
    expect(await outcome(alice, id)).toEqual(['canceled', 'expired', 0, 1]);
    await t.app.jobs.runOnce();
    expect(await outcome(alice, id)).toEqual(['canceled', 'expired', 0, 1]);
  });

  it('refunds what expired while the jobs were not running, even if the recipient enrolled since', async () => {
    const { alice, recipient, id, expiresAt } = await waiting();
    // The recipient's activation committed an hour after the expiry, and the server stopped
    // before paying out what waited for them: the job is the next to look at the transfer.
    await enrollUntilCode(t, recipient, { phone: nextPhone() });
    t.clock.now = expiresAt + 3600_000;
    await db.store.run(`UPDATE accounts SET status = 'active', verified_at = ? WHERE user_id = ?`, [
      t.clock.now,
      recipient,
    ]);
    await t.app.jobs.runOnce();
    expect(await outcome(alice, id)).toEqual(['canceled', 'expired', 0, 1]);
  });

  it('refunds what expired on every pass, and pays what a crash left waiting on the sweeping ones', async () => {
    const old = await waiting();
    t.clock.now = old.expiresAt;
    await t.app.jobs.runOnce({ sweepAwaiting: false });
    expect(await outcome(old.alice, old.id)).toEqual(['canceled', 'expired', 0, 1]);

    const left = await waiting();
    // The recipient's activation committed; the server stopped before paying out.
    await enrollUntilCode(t, left.recipient, { phone: nextPhone() });
    await db.store.run(`UPDATE accounts SET status = 'active', verified_at = ? WHERE user_id = ?`, [
      t.clock.now,
      left.recipient,
    ]);
    await t.app.jobs.runOnce({ sweepAwaiting: false });
    expect(await outcome(left.alice, left.id)).toEqual(['awaiting_recipient', null, 0, 0]);
    await t.app.jobs.runOnce();
    expect(await outcome(left.alice, left.id)).toEqual(['completed', null, 1, 0]);
  });

  it('says expired when the sender cancels after the expiry the job has not applied yet', async () => {
    const { alice, id, expiresAt } = await waiting();
    const before = await waiting();
    expect(before.expiresAt).toBe(expiresAt);
    t.clock.now = before.expiresAt - 1;
    const early = await t.call(before.alice, 'POST', `/v1/transfers/${before.id}/cancel`);
    expect([early.body.status, early.body.failureReason]).toEqual(['canceled', null]);
    t.clock.now = expiresAt;
    const late = await t.call(alice, 'POST', `/v1/transfers/${id}/cancel`);
    expect([late.status, late.body.status, late.body.failureReason]).toEqual([
      200,
      'canceled',
      'expired',
    ]);
    expect(await outcome(alice, id)).toEqual(['canceled', 'expired', 0, 1]);
  });

  it('finds what is due behind more than 500 older waiting transfers', async () => {
    const busy = await testApp(db.store, {
      risk: { velocityReview: 10_000, velocityBlock: 10_000 },
      scaExemption: { countSinceLastPin: 10_000, sinceLastPin: 1e9 },
    });
    busy.clock.now = base;
    const alice = `${kind}-busy`;
    await enroll(busy, alice, { phone: nextPhone() });
    for (let i = 0; i < 500; i++) {
      busy.clock.now += 1;
      const res = await busy.pay(alice, '/v1/transfers', {
        recipientId: `${kind}-nobody${i}`,
        amount: eur(1),
      });
      expect(res.body.status).toBe('awaiting_recipient');
    }
    busy.clock.now += 1;
    const late = await busy.pay(alice, '/v1/transfers', {
      recipientId: `${kind}-zoe`,
      amount: eur(1),
    });
    // Zoe's activation committed, and the server stopped before paying out what waited for
    // her: the job must find it, however many others still wait.
    await enrollUntilCode(busy, `${kind}-zoe`, { phone: nextPhone() });
    await db.store.run(`UPDATE accounts SET status = 'active', verified_at = ? WHERE user_id = ?`, [
      busy.clock.now,
      `${kind}-zoe`,
    ]);
    await busy.app.jobs.runOnce();
    expect(await outcome(alice, late.body.id)).toEqual(['completed', null, 1, 0]);
  }, 60_000);

  it('refunds once when the sender cancels as the job expires it', async () => {
    for (let round = 0; round < 4; round++) {
      const { alice, id, expiresAt } = await waiting();
      t.clock.now = expiresAt;
      const [cancel] = await Promise.all([
        t.call(alice, 'POST', `/v1/transfers/${id}/cancel`),
        t.app.jobs.runOnce(),
      ]);
      expect([cancel.status, cancel.body.status]).toEqual([200, 'canceled']);
      const [status, , payouts, refunds] = await outcome(alice, id);
      expect([status, payouts, refunds]).toEqual(['canceled', 0, 1]);
    }
    await expectBalancedLedger(db.store);
    t.clock.now = base;
  });
});
