import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxCount } from '../testing/money.js';
import { enroll, nextPhone, type TestApp, testApp } from '../testing/platform.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';
import { IDEMPOTENCY_TTL_MS } from './idempotency.js';

const eur = (value: number) => ({ value, currency: 'EUR' });
const HOUR = 3600 * 1000;

/** How long an Idempotency-Key protects a payment, to the millisecond. */
describe.each(await storeKinds())('Idempotency-Keys over time on the %s store', (kind) => {
  let db: TestStore;
  let t: TestApp;
  let n = 0;
  const base = Date.now();
  const user = async () => {
    const id = `${kind}-i${++n}`;
    await enroll(t, id, { phone: nextPhone() });
    return id;
  };

  beforeAll(async () => {
    db = await openTestStore(kind);
    t = await testApp(db.store);
  });
  afterAll(() => db.cleanup());

  it('keeps a key well past 24 hours, and forgets it only after the purge', async () => {
    expect(IDEMPOTENCY_TTL_MS).toBeGreaterThanOrEqual(24 * HOUR);
    const [alice, bob] = [await user(), await user()];
    const body = { recipientId: bob, amount: eur(1000) };
    t.clock.now = base;
    const first = await t.pay(alice, '/v1/transfers', body, 'k');
    for (const at of [base + 24 * HOUR, base + 24 * HOUR + 1, base + IDEMPOTENCY_TTL_MS]) {
      t.clock.now = at;
      await t.app.jobs.runOnce();
      const again = await t.pay(alice, '/v1/transfers', body, 'k');
      expect(again.body).toEqual(first.body);
      const other = await t.pay(alice, '/v1/transfers', { ...body, amount: eur(999) }, 'k');
      expect(other.status).toBe(409);
    }
    expect(await sandboxCount(db.store, first.body.id, 'charge')).toBe(1);
    // After the purge the key is free: the same key is then a new payment.
    t.clock.now = base + IDEMPOTENCY_TTL_MS + 1;
    await t.app.jobs.runOnce();
    const later = await t.pay(alice, '/v1/transfers', { ...body, amount: eur(999) }, 'k');
    expect([later.status, later.body.amount]).toEqual([201, eur(999)]);
    expect(later.body.id).not.toBe(first.body.id);
    t.clock.now = base;
  });
});
