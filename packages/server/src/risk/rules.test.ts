import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enroll, nextPhone, type TestApp, testApp } from '../testing/platform.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';

const eur = (value: number) => ({ value, currency: 'EUR' });
const PIN = '914273';
const WINDOW = 10 * 60 * 1000;

/** The velocity and first-large-transfer rules (defaults) at their boundaries. */
describe.each(await storeKinds())(
  'anti-fraud rules at their boundaries on the %s store',
  (kind) => {
    let db: TestStore;
    let t: TestApp;
    let n = 0;
    const base = Date.now();
    const user = async () => {
      const id = `${kind}-v${++n}`;
      await enroll(t, id, { phone: nextPhone(), pin: PIN });
      return id;
    };
    const send = (from: string, to: string, value = 1) =>
      t.pay(from, '/v1/transfers', { recipientId: to, amount: eur(value) });
    const outcome = (res: {
      body: { status: string; review?: boolean; failureReason?: string };
    }) =>
      res.body.review ? 'review' : res.body.status === 'failed' ? res.body.failureReason : 'allow';

    beforeAll(async () => {
      db = await openTestStore(kind);
      // No PIN in the way: the exemption is not what is tested here.
      t = await testApp(db.store, {
        scaExemption: { perPayment: 1e9, sinceLastPin: 1e12, countSinceLastPin: 1e6 },
      });
      t.clock.now = base;
    });
    afterAll(() => db.cleanup());

    it('reviews the 11th transfer within 10 minutes, to the millisecond', async () => {
      const [alice, bob] = [await user(), await user()];
      t.clock.now = base;
      for (let i = 0; i < 10; i++) expect(outcome(await send(alice, bob))).toBe('allow');
      t.clock.now = base + WINDOW - 1;
      expect(outcome(await send(alice, bob))).toBe('review');
      // The first ten leave the window 10 minutes after them; the review above stays.
      t.clock.now = base + WINDOW;
      expect(outcome(await send(alice, bob))).toBe('allow');
      t.clock.now = base;
    });

    it('blocks the 31st transfer within 10 minutes', async () => {
      const [alice, bob] = [await user(), await user()];
      t.clock.now = base;
      const outcomes = [];
      for (let i = 0; i < 31; i++) outcomes.push(outcome(await send(alice, bob)));
      expect(outcomes).toEqual([
        ...Array(10).fill('allow'),
        ...Array(20).fill('review'),
        'risk_blocked',
      ]);
      t.clock.now = base + WINDOW;
      expect(outcome(await send(alice, bob))).toBe('allow');
      t.clock.now = base;
    });

    it('reviews a first transfer of 250.00 or more to someone new, not 249.99', async () => {
      const [alice, carol, bob] = [await user(), await user(), await user()];
      expect(outcome(await send(alice, bob, 24_999))).toBe('allow');
      const held = await send(carol, bob, 25_000);
      expect(outcome(held)).toBe('review');
      // Once a large transfer to Bob went through (here after review), Bob is known.
      const flags = (await t.admin('GET', '/v1/admin/flags?status=open&limit=100')).body.data;
      const flag = flags.find((f: { transferId: string }) => f.transferId === held.body.id);
      await t.admin('POST', `/v1/admin/flags/${flag.id}/resolve`, { decision: 'approve' });
      t.clock.now = base + 8 * 24 * 3600 * 1000; // past the new account's 250 in 7 days
      expect(outcome(await send(carol, bob, 25_000))).toBe('allow');
      t.clock.now = base;
    });

    it('does not let a test payment of one cent make a recipient known until a day later', async () => {
      // Accounts over 30 days old, whose limits let 500 through.
      t.clock.now = base - 31 * 24 * 3600 * 1000;
      const [alice, bob] = [await user(), await user()];
      t.clock.now = base;
      expect(outcome(await send(alice, bob, 1))).toBe('allow');
      t.clock.now = base + 24 * 3600 * 1000 - 1;
      expect(outcome(await send(alice, bob, 50_000))).toBe('review');
      t.clock.now = base + 24 * 3600 * 1000;
      expect(outcome(await send(alice, bob, 50_000))).toBe('allow');
      t.clock.now = base;
    });
  },
);
