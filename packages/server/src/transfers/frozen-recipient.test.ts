import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBalancedLedger, sandboxCount } from '../testing/money.js';
import { enroll, enrollUntilCode, nextPhone, type TestApp, testApp } from '../testing/platform.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';
import { lockPayer } from './idempotency.js';

const eur = (value: number) => ({ value, currency: 'EUR' });
const DAY = 24 * 3600 * 1000;

/** Money waiting for a recipient whose account is frozen for fraud waits on. */
describe.each(await storeKinds())('payouts to a frozen recipient on the %s store', (kind) => {
  let db: TestStore;
  let t: TestApp;
  let n = 0;
  const base = Date.now();

  beforeAll(async () => {
    db = await openTestStore(kind);
    t = await testApp(db.store);
    t.clock.now = base;
  });
  afterAll(() => db.cleanup());

  /**
   * A sender, and a recipient who became payable with money waiting for them that their
   * enrollment did not pay out: the server stopped between the two, which the jobs' sweep
   * finds. `amounts` are sent before they enroll, a day apart.
   */
  async function waitingForPayable(amounts: number[]) {
    const [alice, bob] = [`${kind}-a${++n}`, `${kind}-b${n}`];
    await enroll(t, alice, { phone: nextPhone() });
    const ids: string[] = [];
    for (const value of amounts) {
      const res = await t.pay(alice, '/v1/transfers', { recipientId: bob, amount: eur(value) });
      expect(res.body.status).toBe('awaiting_recipient');
      ids.push(res.body.id);
      t.clock.now += DAY;
    }
    await enrollUntilCode(t, bob, { phone: nextPhone() });
    await db.store.run(`UPDATE accounts SET status = 'active', verified_at = ? WHERE user_id = ?`, [
      t.clock.now,
      bob,
    ]);
    return { alice, bob, ids };
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

  it('holds money for a frozen recipient, refunds it on a cancel or at expiry, pays it at the unfreeze', async () => {
    t.clock.now = base;
    const { alice, bob, ids } = await waitingForPayable([1000, 2000, 3000]);
    const [expiring, canceled, paid] = ids as [string, string, string];
    expect((await t.admin('POST', `/v1/admin/accounts/${bob}/freeze`)).body.status).toBe('frozen');
    await t.app.jobs.runOnce({ sweepAwaiting: true });
    for (const id of ids)
      expect(await outcome(alice, id)).toEqual(['awaiting_recipient', null, 0, 0]);

    const cancel = await t.call(alice, 'POST', `/v1/transfers/${canceled}/cancel`);
    expect([cancel.status, cancel.body.status]).toEqual([200, 'canceled']);
    t.clock.now = base + 7 * DAY;
    await t.app.jobs.runOnce({ sweepAwaiting: true });
    expect(await outcome(alice, expiring)).toEqual(['canceled', 'expired', 0, 1]);
    expect(await outcome(alice, canceled)).toEqual(['canceled', null, 0, 1]);
    expect(await outcome(alice, paid)).toEqual(['awaiting_recipient', null, 0, 0]);

    // The unfreeze pays out what still waits, without waiting for the sweep.
    expect((await t.admin('POST', `/v1/admin/accounts/${bob}/unfreeze`)).body.status).toBe(
      'active',
    );
    expect(await outcome(alice, paid)).toEqual(['completed', null, 1, 0]);
    await expectBalancedLedger(db.store);
  });

  it('does not pay out to a recipient being frozen as the sweep finds them payable', async () => {
    t.clock.now = base;
    const { alice, bob, ids } = await waitingForPayable([1500]);
    const id = ids[0] as string;
    // A freeze in progress, holding the recipient's lock and row as the freeze route does.
    let commitFreeze = () => {};
    let holding = () => {};
    const held = new Promise<void>((resolve) => {
      holding = resolve;
    });
    const freezing = db.store.transaction(async (tx) => {
      await lockPayer(tx, bob);
      await tx.run(
        `UPDATE accounts SET status_before_freeze = status, status = 'frozen' WHERE user_id = ?`,
        [bob],
      );
      await new Promise<void>((resolve) => {
        commitFreeze = resolve;
        holding();
      });
    });
    await held;
    // The sweep reads the recipient as payable (the freeze is not committed), then reaches
    // the payout while the freeze is still held.
    const sweeping = t.app.jobs.runOnce({ sweepAwaiting: true });
    await new Promise((r) => setTimeout(r, 100));
    commitFreeze();
    await freezing;
    await sweeping;
    expect(await outcome(alice, id)).toEqual(['awaiting_recipient', null, 0, 0]);
    await t.admin('POST', `/v1/admin/accounts/${bob}/unfreeze`);
    expect(await outcome(alice, id)).toEqual(['completed', null, 1, 0]);
    await expectBalancedLedger(db.store);
  });
});
