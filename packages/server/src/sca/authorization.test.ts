import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enroll, NO_FUNDS_CARD, nextPhone, type TestApp, testApp } from '../testing/platform.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';

const eur = (value: number) => ({ value, currency: 'EUR' });
const PIN = '914273';

/** Strong customer authentication and its exemption, at their boundaries. */
describe.each(await storeKinds())('the PIN and its exemption on the %s store', (kind) => {
  let db: TestStore;
  let t: TestApp;
  let n = 0;
  const user = async () => {
    const id = `${kind}-a${++n}`;
    await enroll(t, id, { phone: nextPhone(), pin: PIN });
    return id;
  };
  const authorize = (from: string, to: string, value: number, pin = PIN) =>
    t.call(from, 'POST', '/v1/authorizations', { pin, amount: eur(value), payeeId: to });
  const send = async (from: string, to: string, value: number, authorization?: string) =>
    t.pay(from, '/v1/transfers', {
      recipientId: to,
      amount: eur(value),
      ...(authorization ? { authorization } : {}),
    });
  const code = (res: { body: { error?: { code: string } } }) => res.body.error?.code ?? 'ok';
  /** Its owner secures the account, then unlocks it by SMS with a new PIN; the secure's answer. */
  const secureThenUnlock = async (userId: string, phone: string, pin: string) => {
    t.clock.now += 1000;
    const secured = await t.call(userId, 'POST', '/v1/account/secure');
    t.clock.now += 31_000;
    await t.call(userId, 'POST', '/v1/account/verification');
    const sms = await t.lastCode(phone);
    const unlocked = await t.call(userId, 'POST', '/v1/account/unlock', { code: sms, pin });
    expect(unlocked.body.status).toBe('active');
    return secured;
  };

  beforeAll(async () => {
    db = await openTestStore(kind);
    t = await testApp(db.store, { risk: { velocityReview: 10_000, velocityBlock: 10_000 } });
  });
  afterAll(() => db.cleanup());

  it('exempts up to 30.00 a payment, not one cent more', async () => {
    const [alice, bob] = [await user(), await user()];
    expect(code(await send(alice, bob, 3001))).toBe('authentication_required');
    expect(code(await send(alice, bob, 3000))).toBe('ok');
  });

  it('exempts up to 100.00 in all since the last PIN, not one cent more', async () => {
    const [alice, bob] = [await user(), await user()];
    for (const value of [3000, 3000, 3000]) expect(code(await send(alice, bob, value))).toBe('ok');
    expect(code(await send(alice, bob, 1001))).toBe('authentication_required');
    expect(code(await send(alice, bob, 1000))).toBe('ok');
  });

  it('exempts 5 payments since the last PIN, not a sixth', async () => {
    const [alice, bob] = [await user(), await user()];
    for (let i = 0; i < 5; i++) expect(code(await send(alice, bob, 1))).toBe('ok');
    expect(code(await send(alice, bob, 1))).toBe('authentication_required');
  });

  it('starts the count again at a right PIN, not at a wrong one', async () => {
    const [alice, bob] = [await user(), await user()];
    for (let i = 0; i < 5; i++) expect(code(await send(alice, bob, 1))).toBe('ok');
    t.clock.now += 1;
    expect((await authorize(alice, bob, 5000, '111999')).status).toBe(403);
    expect(code(await send(alice, bob, 1))).toBe('authentication_required');
    t.clock.now += 1;
    expect((await authorize(alice, bob, 5000)).status).toBe(201);
    // The authorization went unused: the PIN was still entered, which is what counts.
    for (let i = 0; i < 5; i++) expect(code(await send(alice, bob, 1))).toBe('ok');
    expect(code(await send(alice, bob, 1))).toBe('authentication_required');
  });

  it('counts every payment made under it, declined and canceled ones too (PSD2: initiated)', async () => {
    const alice = await user();
    const [bob, later] = [await user(), `${kind}-later${n}`];
    // Canceled by the sender: the money went back, but the payment was made without a PIN.
    const waiting = await send(alice, later, 3000);
    expect(waiting.body.status).toBe('awaiting_recipient');
    await t.call(alice, 'POST', `/v1/transfers/${waiting.body.id}/cancel`);
    for (const value of [3000, 3000]) expect(code(await send(alice, bob, value))).toBe('ok');
    expect(code(await send(alice, bob, 3000))).toBe('authentication_required');
    expect(code(await send(alice, bob, 1000))).toBe('ok');

    // Declined by the card network: five tries, then the PIN.
    const broke = `${kind}-broke${++n}`;
    await enroll(t, broke, { phone: nextPhone(), pin: PIN, card: NO_FUNDS_CARD });
    for (let i = 0; i < 5; i++) {
      const declined = await send(broke, bob, 100);
      expect(declined.body.failureReason).toBe('insufficient_funds');
    }
    expect(code(await send(broke, bob, 100))).toBe('authentication_required');
  });

  it('keeps an authorization until its expiresAt, to the millisecond, and for one payment', async () => {
    const [alice, bob] = [await user(), await user()];
    t.clock.now = Math.floor(t.clock.now / 1000) * 1000 + 999; // the worst case for rounding
    const issuedAt = t.clock.now;
    const first = await authorize(alice, bob, 5000);
    const second = await authorize(alice, bob, 5000);
    const expiresAt = Date.parse(first.body.expiresAt);
    expect(expiresAt).toBeGreaterThan(issuedAt + 299_000);
    expect(expiresAt).toBeLessThanOrEqual(issuedAt + 300_000);
    t.clock.now = expiresAt;
    expect(code(await send(alice, bob, 5000, first.body.authorization))).toBe(
      'authentication_required',
    );
    t.clock.now = expiresAt - 1;
    expect(code(await send(alice, bob, 5000, second.body.authorization))).toBe('ok');
    expect(code(await send(alice, bob, 5000, second.body.authorization))).toBe(
      'authentication_required',
    );
  });

  it('stays spent for a server process whose clock runs a little behind', async () => {
    const [alice, bob] = [await user(), await user()];
    const { body } = await authorize(alice, bob, 5000);
    const expiresAt = Date.parse(body.expiresAt);
    t.clock.now = expiresAt - 1000;
    expect(code(await send(alice, bob, 5000, body.authorization))).toBe('ok');
    // This process's jobs run just after the expiry, while another process sharing the
    // database, a second behind, still takes the authorization as unexpired.
    t.clock.now = expiresAt + 1;
    await t.app.jobs.runOnce();
    const behind = await testApp(db.store, { hashSecret: 'test-hash-secret' });
    behind.clock.now = expiresAt - 1;
    const replay = await behind.pay(alice, '/v1/transfers', {
      recipientId: bob,
      amount: eur(5000),
      authorization: body.authorization,
    });
    expect(code(replay)).toBe('authentication_required');
  });

  it('lets one of simultaneous payments with one authorization through', async () => {
    const [alice, bob] = [await user(), await user()];
    const { body } = await authorize(alice, bob, 5000);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => send(alice, bob, 5000, body.authorization)),
    );
    expect(results.map(code).sort()).toEqual([...Array(7).fill('authentication_required'), 'ok']);
  });

  it('voids authorizations made with a PIN the account no longer has', async () => {
    const bob = await user();
    const phone = nextPhone();
    const alice = `${kind}-stolen${++n}`;
    await enroll(t, alice, { phone, pin: PIN });
    // Made with the PIN on a phone that is then stolen: its owner secures the account and
    // unlocks it with a new PIN within the authorization's 5 minutes.
    const before = await authorize(alice, bob, 5000);
    expect((await secureThenUnlock(alice, phone, '508162')).body.status).toBe('locked');
    expect(code(await send(alice, bob, 5000, before.body.authorization))).toBe(
      'authentication_required',
    );
    // The same after a plain PIN change.
    const changing = await authorize(alice, bob, 5000, '508162');
    const changed = await t.call(alice, 'PUT', '/v1/account/pin', {
      currentPin: '508162',
      pin: '736291',
    });
    expect(changed.status).toBe(200);
    expect(code(await send(alice, bob, 5000, changing.body.authorization))).toBe(
      'authentication_required',
    );
    const fresh = await authorize(alice, bob, 5000, '736291');
    expect(code(await send(alice, bob, 5000, fresh.body.authorization))).toBe('ok');
    expect((await t.call(alice, 'GET', '/v1/transfers')).body.data).toHaveLength(1);
  });

  it('gives no exemption after "secure my account" until the new PIN, nor to devices known before', async () => {
    const bob = await user();
    const phone = nextPhone();
    const alice = `${kind}-secured${++n}`;
    await enroll(t, alice, { phone, pin: PIN });
    const from = (device: string) => ({ 'Settle-Device': device });
    const pay = (device: string, value: number, authorization?: string) =>
      t.pay(
        alice,
        '/v1/transfers',
        { recipientId: bob, amount: eur(value), ...(authorization ? { authorization } : {}) },
        crypto.randomUUID(),
        from(device),
      );
    // A thief who saw the PIN confirms a payment on their phone, which makes it known.
    const stolen = await t.pay(
      alice,
      '/v1/authorizations',
      { pin: PIN, amount: eur(5000), payeeId: bob },
      crypto.randomUUID(),
      from('thief-phone'),
    );
    expect(stolen.status).toBe(201);
    await secureThenUnlock(alice, phone, '508162');
    // The platform still signs the thief's chat session in: tokens minted after the secure.
    t.clock.now += 1000;
    expect(code(await pay('thief-phone', 1000))).toBe('authentication_required');
    expect(code(await pay('alice-phone', 1000))).toBe('authentication_required');
    const { body } = await t.pay(
      alice,
      '/v1/authorizations',
      { pin: '508162', amount: eur(5000), payeeId: bob },
      crypto.randomUUID(),
      from('alice-phone'),
    );
    t.clock.now += 1;
    expect(code(await pay('alice-phone', 5000, body.authorization))).toBe('ok');
    expect(code(await pay('alice-phone', 1000))).toBe('ok');
    expect(code(await pay('thief-phone', 1000))).toBe('authentication_required');
  });

  it('binds an authorization to its amount, currency and payee', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()];
    const { body } = await authorize(alice, bob, 5000);
    for (const [to, value] of [
      [bob, 4999],
      [bob, 5001],
      [carol, 5000],
    ] as const) {
      expect(code(await send(alice, to, value, body.authorization))).toBe(
        'authentication_required',
      );
    }
    const gbp = await t.pay(alice, '/v1/transfers', {
      recipientId: bob,
      amount: { value: 5000, currency: 'GBP' },
      authorization: body.authorization,
    });
    expect(code(gbp)).toBe('currency_mismatch');
    // Bob cannot spend it either, even to pay Alice.
    expect(code(await send(bob, alice, 5000, body.authorization))).toBe('authentication_required');
    expect(code(await send(alice, bob, 5000, body.authorization))).toBe('ok');
  });
});
