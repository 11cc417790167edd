import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateVaultKey } from '../crypto/vault.js';
import { expectBalancedLedger, sandboxCount } from '../testing/money.js';
import { enroll, nextPhone, testApp } from '../testing/platform.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';

const eur = (value: number) => ({ value, currency: 'EUR' });

/** A crash at `point`: the step stops there, as if the process died, and nothing else runs. */
const crashAt = (point: string) => (at: string) => {
  if (at === point) throw new Error(`crash at ${point}`);
};

describe.each(await storeKinds())('recovery after a crash on the %s store', (kind) => {
  let db: TestStore;
  // The restarted server has the same configuration, card vault keys included.
  const vault = { keys: { k1: generateVaultKey() }, activeKeyId: 'k1' };
  beforeAll(async () => {
    db = await openTestStore(kind);
  });
  afterAll(() => db.cleanup());

  it.each(['before-charge', 'after-charge', 'before-payout', 'after-payout'])(
    'completes a transfer cut at %s exactly once on restart',
    async (point) => {
      const crashing = await testApp(db.store, { vault, faults: crashAt(point) });
      const [alice, bob] = [`${point}-alice`, `${point}-bob`];
      await enroll(crashing, alice, { phone: nextPhone() });
      await enroll(crashing, bob, { phone: nextPhone() });
      const res = await crashing.pay(alice, '/v1/transfers', {
        recipientId: bob,
        amount: eur(1500),
      });
      expect(res.status).toBe(201);
      expect(res.body.status).toBe('pending');

      const restarted = await testApp(db.store, { vault });
      await restarted.app.jobs.runOnce({ recovering: true });
      const after = await restarted.call(alice, 'GET', `/v1/transfers/${res.body.id}`);
      expect(after.body.status).toBe('completed');
      expect(await sandboxCount(db.store, res.body.id, 'charge')).toBe(1);
      expect(await sandboxCount(db.store, res.body.id, 'payout')).toBe(1);
      await expectBalancedLedger(db.store);
    },
  );

  it.each(['before-refund', 'after-refund'])(
    'refunds a cancel cut at %s exactly once',
    async (point) => {
      const crashing = await testApp(db.store, { vault, faults: crashAt(point) });
      const alice = `${point}-alice`;
      await enroll(crashing, alice, { phone: nextPhone() });
      const res = await crashing.pay(alice, '/v1/transfers', {
        recipientId: `${point}-nobody`,
        amount: eur(900),
      });
      expect(res.body.status).toBe('awaiting_recipient');
      // The cancel is decided and answered as such; the refund is what the crash cut.
      const cancel = await crashing.call(alice, 'POST', `/v1/transfers/${res.body.id}/cancel`);
      expect(cancel.body.status).toBe('canceled');
      expect(await sandboxCount(db.store, res.body.id, 'refund')).toBe(
        point === 'before-refund' ? 0 : 1,
      );

      const restarted = await testApp(db.store, { vault });
      await restarted.app.jobs.runOnce({ recovering: true });
      const after = await restarted.call(alice, 'GET', `/v1/transfers/${res.body.id}`);
      expect(after.body.status).toBe('canceled');
      expect(await sandboxCount(db.store, res.body.id, 'refund')).toBe(1);
      await expectBalancedLedger(db.store);
    },
  );

  it('holds a payment whose card is sealed under a removed vault key, naming the key, until it is back', async () => {
    const before = await testApp(db.store, { vault });
    const [alice, bob] = [`${kind}-vault-alice`, `${kind}-vault-bob`];
    await enroll(before, alice, { phone: nextPhone() });
    await enroll(before, bob, { phone: nextPhone() });
    // The operator took k1 out of SETTLE_VAULT_KEYS before `settle reseal`.
    const early = await testApp(db.store, {
      vault: { keys: { k2: generateVaultKey() }, activeKeyId: 'k2' },
    });
    const res = await early.pay(alice, '/v1/transfers', { recipientId: bob, amount: eur(700) });
    expect(res.body.status).toBe('pending');
    expect(early.logs.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({
        event: 'transfer.step_failed',
        transferId: res.body.id,
        error: 'VaultKeyMissing',
        vaultKeyId: 'k1',
      }),
    );
    expect(await sandboxCount(db.store, res.body.id, 'charge')).toBe(0);
    const back = await testApp(db.store, { vault });
    await back.app.jobs.runOnce({ recovering: true });
    expect((await back.call(alice, 'GET', `/v1/transfers/${res.body.id}`)).body.status).toBe(
      'completed',
    );
    await expectBalancedLedger(db.store);
  });

  it('retries a failing step with backoff until the network answers', async () => {
    let down = true;
    const t = await testApp(db.store, {
      faults: (at) => {
        if (down && at === 'before-payout') throw new Error('network down');
      },
    });
    await enroll(t, 'retry-alice', { phone: nextPhone() });
    await enroll(t, 'retry-bob', { phone: nextPhone() });
    const res = await t.pay('retry-alice', '/v1/transfers', {
      recipientId: 'retry-bob',
      amount: eur(700),
    });
    expect(res.body.status).toBe('pending');
    await t.app.jobs.runOnce();
    expect((await t.call('retry-alice', 'GET', `/v1/transfers/${res.body.id}`)).body.status).toBe(
      'pending',
    );
    down = false;
    t.clock.now += 1000;
    await t.app.jobs.runOnce();
    expect((await t.call('retry-alice', 'GET', `/v1/transfers/${res.body.id}`)).body.status).toBe(
      'completed',
    );
    expect(await sandboxCount(db.store, res.body.id, 'payout')).toBe(1);
  });
});
