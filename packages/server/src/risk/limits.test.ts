import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBalancedLedger } from '../testing/money.js';
import {
  DECLINED_CARD,
  enroll,
  GB_CARD,
  nextPhone,
  type TestApp,
  testApp,
} from '../testing/platform.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';
import { recentlySentParams, recentlySentSql } from './limits.js';

const eur = (value: number) => ({ value, currency: 'EUR' });
const PIN = '914273';
const DAY = 24 * 3600 * 1000;

/** The limits at their exact boundaries: one minor unit and one millisecond either side. */
describe.each(await storeKinds())('limits at their boundaries on the %s store', (kind) => {
  let db: TestStore;
  let t: TestApp;
  let n = 0;
  const base = Date.now();

  /** A fresh active French user, enrolled `ageMs` before the clock's present time. */
  const user = async (ageMs = 0, card?: string) => {
    const id = `${kind}-l${++n}`;
    await enroll(t, id, { phone: nextPhone(), pin: PIN, ...(card ? { card } : {}) });
    await db.store.run('UPDATE accounts SET created_at = ?, verified_at = ? WHERE user_id = ?', [
      t.clock.now - ageMs,
      t.clock.now - ageMs,
      id,
    ]);
    return id;
  };
  /** Sends with a fresh PIN authorization (no exemption in the way). */
  const send = async (from: string, to: string, value: number) => {
    const auth = await t.call(from, 'POST', '/v1/authorizations', {
      pin: PIN,
      amount: eur(value),
      payeeId: to,
    });
    return t.pay(from, '/v1/transfers', {
      recipientId: to,
      amount: eur(value),
      authorization: auth.body.authorization,
    });
  };
  const admin = (method: string, path: string, body?: unknown) => t.admin(method, path, body);

  beforeAll(async () => {
    db = await openTestStore(kind);
    // Only the limits here: the other rules would hold or block these transfers.
    t = await testApp(db.store, {
      risk: { velocityReview: 10_000, velocityBlock: 10_000, largeToNewRecipient: 1e9 },
    });
    t.clock.now = base;
  });
  afterAll(() => db.cleanup());

  it('allows exactly the per-transfer limit, not one minor unit more', async () => {
    const [alice, bob] = [await user(40 * DAY), await user()];
    const over = await send(alice, bob, 50_001);
    expect([over.status, over.body.error?.code]).toEqual([422, 'limit_exceeded']);
    expect(over.body.error.param).toBe('amount.value');
    expect((await send(alice, bob, 50_000)).body.status).toBe('completed');
  });

  it('counts the rolling 30 days to the millisecond', async () => {
    const [alice, bob] = [await user(60 * DAY), await user(60 * DAY)];
    t.clock.now = base - 30 * DAY;
    for (const value of [50_000, 50_000, 49_999]) {
      expect((await send(alice, bob, value)).body.status).toBe('completed');
    }
    t.clock.now = base - 30 * DAY + 10;
    expect((await send(alice, bob, 1)).body.status).toBe('completed'); // 1,500.00 exactly
    t.clock.now = base - 1;
    const over = await send(alice, bob, 1);
    expect([over.status, over.body.error?.code]).toEqual([422, 'limit_exceeded']);
    // 30 days after the first three, they leave the window; the last one is still in it.
    t.clock.now = base;
    expect((await send(alice, bob, 50_000)).body.status).toBe('completed');
    t.clock.now = base + 1;
    expect((await send(alice, bob, 50_000)).body.status).toBe('completed');
    expect((await send(alice, bob, 49_999)).body.status).toBe('completed');
    const full = await send(alice, bob, 1);
    expect([full.status, full.body.error?.code]).toEqual([422, 'limit_exceeded']);
    t.clock.now = base;
  });

  it('applies 250 per rolling 7 days until the account is 30 days old, to the millisecond', async () => {
    const bob = await user();
    const young = await user(30 * DAY - 1);
    const grown = await user(30 * DAY);
    t.clock.now = base - DAY;
    for (const alice of [young, grown]) {
      expect((await send(alice, bob, 20_000)).body.status).toBe('completed');
    }
    t.clock.now = base;
    // One millisecond short of 30 days old: still new.
    const over = await send(young, bob, 5001);
    expect([over.status, over.body.error?.code]).toEqual([422, 'limit_exceeded']);
    expect(over.body.error.message).toContain('7 days');
    expect((await send(young, bob, 5000)).body.status).toBe('completed');
    // 30 days old: only the 30-day limit applies.
    expect((await send(grown, bob, 30_000)).body.status).toBe('completed');
  });

  it('drops a transfer from the 7-day window exactly 7 days after it', async () => {
    const [alice, bob] = [await user(), await user()];
    expect((await send(alice, bob, 25_000)).body.status).toBe('completed');
    const sentAt = t.clock.now;
    t.clock.now = sentAt + 7 * DAY - 1;
    expect((await send(alice, bob, 1)).body.error?.code).toBe('limit_exceeded');
    t.clock.now = sentAt + 7 * DAY;
    expect((await send(alice, bob, 25_000)).body.status).toBe('completed');
    t.clock.now = base;
  });

  it('counts the days of a new account from its activation, not from its first profile', async () => {
    const bob = await user();
    const id = `${kind}-l${++n}`;
    // The profile, 40 days ago; the card, PIN and SMS code today.
    t.clock.now = base - 40 * DAY;
    await t.call(id, 'PUT', '/v1/account/profile', {
      legalName: 'Old Profile',
      country: 'FR',
      phone: nextPhone(),
    });
    t.clock.now = base;
    const account = (await t.call(id, 'GET', '/v1/account')).body;
    await enroll(t, id, { phone: nextPhone(), pin: PIN });
    expect(account.status).toBe('new');
    const over = await send(id, bob, 25_001);
    expect([over.status, over.body.error?.code]).toEqual([422, 'limit_exceeded']);
    expect((await send(id, bob, 25_000)).body.status).toBe('completed');
  });

  it('counts money held or waiting, once, and not money that failed or went back', async () => {
    const bob = await user();
    const [alice, declined] = [await user(), await user(0, DECLINED_CARD)];
    // Failed at the card network: counts nothing.
    expect((await send(declined, bob, 25_000)).body.status).toBe('failed');
    expect((await send(declined, bob, 25_000)).body.status).toBe('failed');
    // Waiting for someone not enrolled: counts until it goes back.
    const waiting = await send(alice, `${kind}-later${n}`, 10_000);
    expect(waiting.body.status).toBe('awaiting_recipient');
    // Refunded because its recipient enrolled abroad: counts nothing.
    const gary = `${kind}-abroad${n}`;
    const abroad = await send(alice, gary, 5000);
    await enroll(t, gary, { phone: '+447400123999', card: GB_CARD, country: 'GB' });
    expect((await t.call(alice, 'GET', `/v1/transfers/${abroad.body.id}`)).body.status).toBe(
      'failed',
    );
    expect((await send(alice, bob, 15_001)).body.error?.code).toBe('limit_exceeded');
    expect((await t.call(alice, 'POST', `/v1/transfers/${waiting.body.id}/cancel`)).status).toBe(
      200,
    );
    expect((await send(alice, bob, 25_000)).body.status).toBe('completed');
    expect((await send(alice, bob, 1)).body.error?.code).toBe('limit_exceeded');
    await expectBalancedLedger(db.store);
  });

  it('counts a transfer held for review, and frees it when rejected', async () => {
    const strict = await testApp(db.store, {
      risk: { velocityReview: 10_000, velocityBlock: 10_000, largeToNewRecipient: 10_000 },
    });
    strict.clock.now = base;
    const alice = `${kind}-review${++n}`;
    await enroll(strict, alice, { phone: nextPhone(), pin: PIN });
    const pay = async (to: string, value: number) => {
      strict.clock.now += 1;
      const auth = await strict.call(alice, 'POST', '/v1/authorizations', {
        pin: PIN,
        amount: eur(value),
        payeeId: to,
      });
      return strict.pay(alice, '/v1/transfers', {
        recipientId: to,
        amount: eur(value),
        authorization: auth.body.authorization,
      });
    };
    const held = await pay(`${kind}-stranger${n}`, 20_000);
    expect(held.body).toMatchObject({ status: 'pending', review: true });
    expect((await pay(`${kind}-other${n}`, 5001)).body.error?.code).toBe('limit_exceeded');
    const flag = (await admin('GET', '/v1/admin/flags?status=open')).body.data.find(
      (f: { transferId: string }) => f.transferId === held.body.id,
    );
    await admin('POST', `/v1/admin/flags/${flag.id}/resolve`, { decision: 'reject' });
    expect((await pay(`${kind}-other${n}`, 5001)).status).toBe(201);
  });

  it('counts a hold approved late from its approval: the money moved then', async () => {
    const strict = await testApp(db.store, {
      risk: { velocityReview: 10_000, velocityBlock: 10_000, largeToNewRecipient: 50_000 },
    });
    const alice = `${kind}-late${++n}`;
    const [bob, carol] = [`${kind}-bob${n}`, `${kind}-carol${n}`];
    for (const id of [alice, bob, carol]) {
      await enroll(strict, id, { phone: nextPhone(), pin: PIN });
      await db.store.run('UPDATE accounts SET created_at = ?, verified_at = ? WHERE user_id = ?', [
        base - 60 * DAY,
        base - 60 * DAY,
        id,
      ]);
    }
    const pay = async (to: string, value: number) => {
      const auth = await strict.call(alice, 'POST', '/v1/authorizations', {
        pin: PIN,
        amount: eur(value),
        payeeId: to,
      });
      return strict.pay(alice, '/v1/transfers', {
        recipientId: to,
        amount: eur(value),
        authorization: auth.body.authorization,
      });
    };
    strict.clock.now = base;
    const held = await pay(carol, 50_000);
    expect(held.body).toMatchObject({ status: 'pending', review: true });
    const flag = (await admin('GET', '/v1/admin/flags?status=open')).body.data.find(
      (f: { transferId: string }) => f.transferId === held.body.id,
    );
    // Approved a week late: the 500 leaves the sender's card then, not at its creation.
    const approvedAt = base + 7 * DAY;
    strict.clock.now = approvedAt;
    const approve = await strict.admin('POST', `/v1/admin/flags/${flag.id}/resolve`, {
      decision: 'approve',
    });
    expect(approve.status).toBe(200);
    expect((await strict.call(alice, 'GET', `/v1/transfers/${held.body.id}`)).body.status).toBe(
      'completed',
    );
    strict.clock.now = base + 8 * DAY;
    for (const value of [49_999, 49_999, 2]) {
      expect((await pay(bob, value)).body.status).toBe('completed');
    }
    // 30 days after its creation, the hold's 500 moved only 23 days ago: 1,500 moved in 30 days.
    strict.clock.now = base + 30 * DAY;
    expect((await pay(bob, 1)).body.error?.code).toBe('limit_exceeded');
    strict.clock.now = approvedAt + 30 * DAY - 1;
    expect((await pay(bob, 1)).body.error?.code).toBe('limit_exceeded');
    // 30 days after its approval it leaves the window: 500 free again, and not one unit more.
    strict.clock.now = approvedAt + 30 * DAY;
    expect((await pay(bob, 50_000)).body.status).toBe('completed');
    expect((await pay(bob, 1)).body.error?.code).toBe('limit_exceeded');
    await expectBalancedLedger(db.store);
  });

  it('sums recent transfers through the sender indexes, never a scan of the table nor a read of every row', async () => {
    const params = recentlySentParams(`${kind}-plan`, 'EUR', base, '');
    const plan = await db.store.transaction(async (tx) => {
      // On a table this small PostgreSQL would rather scan: this asks whether it can do without.
      if (kind === 'postgres') await tx.run('SET LOCAL enable_seqscan = off');
      const prefix = kind === 'sqlite' ? 'EXPLAIN QUERY PLAN' : 'EXPLAIN';
      return JSON.stringify(await tx.all(`${prefix} ${recentlySentSql}`, params));
    });
    expect(plan).toContain('transfers_sender_totals');
    expect(plan).toContain('transfers_sender_approved');
    expect(plan).not.toMatch(/SCAN transfers|Seq Scan/);
    // The sum over all of the sender's recent transfers reads no table row (one per transfer);
    // only the approved ones are read, through the index that holds only them.
    if (kind === 'sqlite') {
      expect(plan).toContain('COVERING INDEX transfers_sender_totals');
      expect(plan).not.toMatch(/USING INDEX transfers_sender_totals/);
    }
  });

  it('applies each country its own limits', async () => {
    const local = await testApp(db.store, { limits: { GB: { perTransfer: 1000 } } });
    local.clock.now = base;
    const [gary, gwen] = [`${kind}-gary${++n}`, `${kind}-gwen${n}`];
    await enroll(local, gary, { phone: '+447400123451', card: GB_CARD, country: 'GB' });
    await enroll(local, gwen, { phone: '+447400123452', card: GB_CARD, country: 'GB' });
    const gbp = (value: number) =>
      local.pay(gary, '/v1/transfers', {
        recipientId: gwen,
        amount: { value, currency: 'GBP' },
      });
    expect((await gbp(1001)).body.error?.code).toBe('limit_exceeded');
    expect((await gbp(1000)).body.status).toBe('completed');
    // France keeps the defaults.
    const [alice, bob] = [await user(40 * DAY), await user()];
    expect((await send(alice, bob, 50_000)).body.status).toBe('completed');
  });

  it('holds 20 simultaneous transfers within the 30-day limit of an older account', async () => {
    const [alice, bob] = [await user(60 * DAY), await user()];
    expect((await send(alice, bob, 50_000)).body.status).toBe('completed');
    expect((await send(alice, bob, 50_000)).body.status).toBe('completed');
    t.clock.now += 60_000; // out of the PIN rate limit's minute
    const auths = [];
    for (let i = 0; i < 20; i++) {
      t.clock.now += 3000;
      auths.push(
        await t.call(alice, 'POST', '/v1/authorizations', {
          pin: PIN,
          amount: eur(7000),
          payeeId: bob,
        }),
      );
    }
    const results = await Promise.all(
      auths.map(({ body }) =>
        t.pay(alice, '/v1/transfers', {
          recipientId: bob,
          amount: eur(7000),
          authorization: body.authorization,
        }),
      ),
    );
    // 1,000 sent: room for 7 x 70 = 490 more, not 8.
    expect(results.filter((r) => r.status === 201)).toHaveLength(7);
    for (const r of results.filter((r) => r.status !== 201)) {
      expect([r.status, r.body.error.code]).toEqual([422, 'limit_exceeded']);
    }
    t.clock.now = base;
    await expectBalancedLedger(db.store);
  });
});
