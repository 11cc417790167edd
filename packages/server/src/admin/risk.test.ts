import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBalancedLedger, sandboxCount } from '../testing/money.js';
import {
  enroll,
  GB_CARD,
  mintToken,
  nextPhone,
  type TestApp,
  testApp,
} from '../testing/platform.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';
import { lockPayer } from '../transfers/idempotency.js';

const eur = (value: number) => ({ value, currency: 'EUR' });

describe.each(await storeKinds())('anti-fraud and account safety on the %s store', (kind) => {
  let db: TestStore;
  let t: TestApp;
  let n = 0;
  const user = async () => {
    const id = `${kind}-f${++n}`;
    await enroll(t, id, { phone: nextPhone() });
    return id;
  };
  const admin = (method: string, path: string, body?: unknown) => t.admin(method, path, body);
  beforeAll(async () => {
    db = await openTestStore(kind);
    t = await testApp(db.store, {
      risk: { largeToNewRecipient: 1500, velocityReview: 4, velocityBlock: 6 },
    });
  });
  afterAll(() => db.cleanup());

  it('holds a first large transfer to someone new for review, then approves or rejects it', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()];
    const held = await t.pay(alice, '/v1/transfers', { recipientId: bob, amount: eur(2000) });
    expect(held.body).toMatchObject({ status: 'pending', review: true });
    expect(await sandboxCount(db.store, held.body.id, 'charge')).toBe(0);
    const rejected = await t.pay(alice, '/v1/transfers', { recipientId: carol, amount: eur(2000) });

    const flags = await admin('GET', '/v1/admin/flags?status=open');
    const flagOf = (id: string) =>
      flags.body.data.find((f: { transferId: string }) => f.transferId === id);
    expect(flagOf(held.body.id)).toMatchObject({
      userId: alice,
      rule: 'large_to_new_recipient',
      outcome: 'review',
    });

    const approve = await admin('POST', `/v1/admin/flags/${flagOf(held.body.id).id}/resolve`, {
      decision: 'approve',
    });
    expect(approve.body.status).toBe('approved');
    expect((await t.call(alice, 'GET', `/v1/transfers/${held.body.id}`)).body).toMatchObject({
      status: 'completed',
      review: false,
    });
    expect(
      (
        await admin('POST', `/v1/admin/flags/${flagOf(held.body.id).id}/resolve`, {
          decision: 'reject',
        })
      ).status,
    ).toBe(409);

    await admin('POST', `/v1/admin/flags/${flagOf(rejected.body.id).id}/resolve`, {
      decision: 'reject',
    });
    expect((await t.call(alice, 'GET', `/v1/transfers/${rejected.body.id}`)).body).toMatchObject({
      status: 'failed',
      failureReason: 'risk_blocked',
    });
    // Known recipient now: no review the second time.
    const again = await t.pay(alice, '/v1/transfers', { recipientId: bob, amount: eur(2000) });
    expect(again.body.status).toBe('completed');
    await expectBalancedLedger(db.store);
  });

  it('takes one of an approval and a rejection made at once, and moves the money once', async () => {
    const alice = await user();
    for (let round = 0; round < 4; round++) {
      const held = await t.pay(alice, '/v1/transfers', {
        recipientId: `${kind}-new${round}`,
        amount: eur(2000),
      });
      const flag = (await admin('GET', '/v1/admin/flags?status=open')).body.data.find(
        (f: { transferId: string }) => f.transferId === held.body.id,
      );
      const [approve, reject] = await Promise.all([
        admin('POST', `/v1/admin/flags/${flag.id}/resolve`, { decision: 'approve' }),
        admin('POST', `/v1/admin/flags/${flag.id}/resolve`, { decision: 'reject' }),
      ]);
      expect([approve.status, reject.status].sort()).toEqual([200, 409]);
      const won = approve.status === 200 ? 'approved' : 'rejected';
      expect((approve.status === 200 ? reject : approve).body.error.code).toBe('flag_resolved');
      const transfer = (await t.call(alice, 'GET', `/v1/transfers/${held.body.id}`)).body;
      expect([transfer.status, await sandboxCount(db.store, held.body.id, 'charge')]).toEqual(
        won === 'approved' ? ['awaiting_recipient', 1] : ['failed', 0],
      );
    }
    await expectBalancedLedger(db.store);
  });

  it('does not approve a held transfer while its sender is being frozen', async () => {
    const alice = await user();
    const held = await t.pay(alice, '/v1/transfers', {
      recipientId: `${kind}-newcomer`,
      amount: eur(2000),
    });
    const flag = (await admin('GET', '/v1/admin/flags?status=open')).body.data.find(
      (f: { transferId: string }) => f.transferId === held.body.id,
    );
    // A freeze in progress, holding the sender's lock as the freeze route does.
    let commitFreeze = () => {};
    let frozen = () => {};
    const locked = new Promise<void>((resolve) => {
      frozen = resolve;
    });
    const freezing = db.store.transaction(async (tx) => {
      await lockPayer(tx, alice);
      await tx.run(
        `UPDATE accounts SET status_before_freeze = status, status = 'frozen' WHERE user_id = ?`,
        [alice],
      );
      await new Promise<void>((resolve) => {
        commitFreeze = resolve;
        frozen();
      });
    });
    // The approval starts once the freeze holds the lock, however slow the machine, and has
    // a moment to reach the lock and wait on it.
    await locked;
    const approving = admin('POST', `/v1/admin/flags/${flag.id}/resolve`, { decision: 'approve' });
    await new Promise((r) => setTimeout(r, 100));
    commitFreeze();
    await freezing;
    const approve = await approving;
    expect([approve.status, approve.body.error?.code]).toEqual([409, 'account_frozen']);
    expect(await sandboxCount(db.store, held.body.id, 'charge')).toBe(0);
    await admin('POST', `/v1/admin/accounts/${alice}/unfreeze`);
  });

  it('will not approve a held transfer while its sender is frozen', async () => {
    const [alice, bob] = [await user(), await user()];
    const held = await t.pay(alice, '/v1/transfers', { recipientId: bob, amount: eur(2000) });
    const flag = (await admin('GET', '/v1/admin/flags?status=open')).body.data.find(
      (f: { transferId: string }) => f.transferId === held.body.id,
    );
    await admin('POST', `/v1/admin/accounts/${alice}/freeze`);
    const approve = await admin('POST', `/v1/admin/flags/${flag.id}/resolve`, {
      decision: 'approve',
    });
    expect(approve.status).toBe(409);
    expect(approve.body.error.code).toBe('account_frozen');
    expect((await admin('GET', '/v1/admin/flags?status=open')).body.data).toContainEqual(flag);
    expect((await t.call(bob, 'GET', `/v1/transfers/${held.body.id}`)).body).toMatchObject({
      status: 'pending',
      review: true,
    });
    expect(await sandboxCount(db.store, held.body.id, 'charge')).toBe(0);
    await admin('POST', `/v1/admin/accounts/${alice}/unfreeze`);
    await admin('POST', `/v1/admin/flags/${flag.id}/resolve`, { decision: 'approve' });
    expect((await t.call(bob, 'GET', `/v1/transfers/${held.body.id}`)).body.status).toBe(
      'completed',
    );
  });

  it('will not approve a held transfer while its recipient is frozen', async () => {
    const [alice, bob] = [await user(), await user()];
    const held = await t.pay(alice, '/v1/transfers', { recipientId: bob, amount: eur(2000) });
    const flag = (await admin('GET', '/v1/admin/flags?status=open')).body.data.find(
      (f: { transferId: string }) => f.transferId === held.body.id,
    );
    await admin('POST', `/v1/admin/accounts/${bob}/freeze`);
    const approve = await admin('POST', `/v1/admin/flags/${flag.id}/resolve`, {
      decision: 'approve',
    });
    expect([approve.status, approve.body.error?.code]).toEqual([409, 'account_frozen']);
    expect((await admin('GET', '/v1/admin/flags?status=open')).body.data).toContainEqual(flag);
    expect(await sandboxCount(db.store, held.body.id, 'charge')).toBe(0);
    await admin('POST', `/v1/admin/accounts/${bob}/unfreeze`);
    await admin('POST', `/v1/admin/flags/${flag.id}/resolve`, { decision: 'approve' });
    expect((await t.call(alice, 'GET', `/v1/transfers/${held.body.id}`)).body.status).toBe(
      'completed',
    );
  });

  it('will not approve a held transfer once its sender has secured their account', async () => {
    const [alice, bob] = [await user(), await user()];
    const held = await t.pay(alice, '/v1/transfers', { recipientId: bob, amount: eur(2000) });
    expect(held.body).toMatchObject({ status: 'pending', review: true });
    const flag = (await t.admin('GET', '/v1/admin/flags?status=open')).body.data.find(
      (f: { transferId: string }) => f.transferId === held.body.id,
    );
    // Alice's phone was stolen: the held payment may be the thief's.
    expect((await t.call(alice, 'POST', '/v1/account/secure')).body.status).toBe('locked');
    const approve = await t.admin('POST', `/v1/admin/flags/${flag.id}/resolve`, {
      decision: 'approve',
    });
    expect([approve.status, approve.body.error?.code]).toEqual([409, 'account_locked']);
    expect((await t.admin('GET', '/v1/admin/flags?status=open')).body.data).toContainEqual(flag);
    expect(await sandboxCount(db.store, held.body.id, 'charge')).toBe(0);
    const reject = await t.admin('POST', `/v1/admin/flags/${flag.id}/resolve`, {
      decision: 'reject',
    });
    expect(reject.body.status).toBe('rejected');
  });

  it('will not approve a held transfer that would now take its sender past a limit', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()];
    const small = await t.pay(alice, '/v1/transfers', { recipientId: carol, amount: eur(1000) });
    expect(small.body.status).toBe('completed');
    const held = await t.pay(alice, '/v1/transfers', { recipientId: bob, amount: eur(2000) });
    expect(held.body).toMatchObject({ status: 'pending', review: true });
    const flag = (await admin('GET', '/v1/admin/flags?status=open')).body.data.find(
      (f: { transferId: string }) => f.transferId === held.body.id,
    );
    // A week on, the hold no longer counts in the new account's 250 per 7 days, and the
    // sender uses it up: approving the hold now would charge 260 in a week.
    t.clock.now += 8 * 24 * 3600_000;
    const auth = await t.call(alice, 'POST', '/v1/authorizations', {
      pin: '914273',
      amount: eur(24_000),
      payeeId: carol,
    });
    const later = await t.pay(alice, '/v1/transfers', {
      recipientId: carol,
      amount: eur(24_000),
      authorization: auth.body.authorization,
    });
    expect(later.body.status).toBe('completed');
    const approve = await admin('POST', `/v1/admin/flags/${flag.id}/resolve`, {
      decision: 'approve',
    });
    expect([approve.status, approve.body.error?.code]).toEqual([409, 'limit_exceeded']);
    expect(approve.body.error.message).toBe(
      'Approving it now would take the sender past the limit of €250.00 over 7 days for accounts under 30 days old: reject it.',
    );
    expect((await admin('GET', '/v1/admin/flags?status=open')).body.data).toContainEqual(flag);
    expect(await sandboxCount(db.store, held.body.id, 'charge')).toBe(0);
    const reject = await admin('POST', `/v1/admin/flags/${flag.id}/resolve`, {
      decision: 'reject',
    });
    expect(reject.body.status).toBe('rejected');
    expect((await t.call(alice, 'GET', `/v1/transfers/${held.body.id}`)).body.status).toBe(
      'failed',
    );
  });

  it('refunds a held transfer approved after its recipient enrolled in another country', async () => {
    const alice = await user();
    const gina = `${kind}-gina`;
    const held = await t.pay(alice, '/v1/transfers', { recipientId: gina, amount: eur(2000) });
    expect(held.body).toMatchObject({ status: 'pending', review: true });
    await enroll(t, gina, { phone: '+447400123457', card: GB_CARD, country: 'GB' });
    const flag = (await admin('GET', '/v1/admin/flags?status=open')).body.data.find(
      (f: { transferId: string }) => f.transferId === held.body.id,
    );
    await admin('POST', `/v1/admin/flags/${flag.id}/resolve`, { decision: 'approve' });
    expect((await t.call(alice, 'GET', `/v1/transfers/${held.body.id}`)).body).toMatchObject({
      status: 'failed',
      failureReason: 'recipient_not_domestic',
    });
    expect(await sandboxCount(db.store, held.body.id, 'charge')).toBe(1);
    expect(await sandboxCount(db.store, held.body.id, 'payout')).toBe(0);
    expect(await sandboxCount(db.store, held.body.id, 'refund')).toBe(1);
    await expectBalancedLedger(db.store);
  });

  it('reviews, then blocks, many transfers in a few minutes', async () => {
    const [alice, bob] = [await user(), await user()];
    const statuses = [];
    for (let i = 0; i < 7; i++) {
      t.clock.now += 1000;
      if (i === 5)
        await t.call(alice, 'POST', '/v1/authorizations', {
          pin: '914273',
          amount: eur(1),
          payeeId: bob,
        });
      const res = await t.pay(alice, '/v1/transfers', { recipientId: bob, amount: eur(100) });
      statuses.push(
        `${res.body.status}${res.body.review ? ':review' : ''}${res.body.failureReason ? `:${res.body.failureReason}` : ''}`,
      );
    }
    expect(statuses).toEqual([
      'completed',
      'completed',
      'completed',
      'completed',
      'pending:review',
      'pending:review',
      'failed:risk_blocked',
    ]);
    const flags = await admin('GET', '/v1/admin/flags');
    expect(flags.body.data.filter((f: { userId: string }) => f.userId === alice)).toHaveLength(3);
  });

  it('will not approve a blocked transfer: it failed, and the sender must send it again', async () => {
    const [alice, bob] = [await user(), await user()];
    let blocked: { id: string; status: string; failureReason: string } | undefined;
    // As many transfers in a few seconds as the velocity rule blocks (a PIN on the way resets
    // the exemption's count).
    for (let i = 0; i < 7 && !blocked; i++) {
      t.clock.now += 1000;
      if (i === 5) {
        await t.call(alice, 'POST', '/v1/authorizations', {
          pin: '914273',
          amount: eur(1),
          payeeId: bob,
        });
      }
      const res = await t.pay(alice, '/v1/transfers', { recipientId: bob, amount: eur(100) });
      if (res.body.failureReason === 'risk_blocked') blocked = res.body;
    }
    expect(blocked?.status).toBe('failed');
    const flag = (await admin('GET', '/v1/admin/flags?status=open')).body.data.find(
      (f: { transferId: string }) => f.transferId === blocked?.id,
    );
    expect(flag.outcome).toBe('block');
    const approve = await admin('POST', `/v1/admin/flags/${flag.id}/resolve`, {
      decision: 'approve',
    });
    expect([approve.status, approve.body.error?.code]).toEqual([409, 'transfer_blocked']);
    expect(approve.body.error.message).toContain('The sender must send it again.');
    // Nothing changed: the flag is open, the transfer failed, its card never charged.
    expect((await admin('GET', '/v1/admin/flags?status=open')).body.data).toContainEqual(flag);
    expect((await t.call(alice, 'GET', `/v1/transfers/${blocked?.id}`)).body).toMatchObject({
      status: 'failed',
      failureReason: 'risk_blocked',
    });
    expect(await sandboxCount(db.store, blocked?.id as string, 'charge')).toBe(0);
    const reject = await admin('POST', `/v1/admin/flags/${flag.id}/resolve`, {
      decision: 'reject',
    });
    expect([reject.status, reject.body.status]).toEqual([200, 'rejected']);
    expect((await t.call(alice, 'GET', `/v1/transfers/${blocked?.id}`)).body.status).toBe('failed');
  });

  it('freezes an account so no money moves to or from it until unfrozen', async () => {
    const [alice, bob] = [await user(), await user()];
    const frozen = await admin('POST', `/v1/admin/accounts/${bob}/freeze`);
    expect(frozen.body.status).toBe('frozen');
    expect(
      (await t.pay(bob, '/v1/transfers', { recipientId: alice, amount: eur(100) })).body.error.code,
    ).toBe('account_frozen');
    expect(
      (await t.pay(alice, '/v1/transfers', { recipientId: bob, amount: eur(100) })).body.error.code,
    ).toBe('recipient_unavailable');
    // Refused, and nothing changed: the session still works, no event was recorded.
    const events = async () =>
      (
        await db.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM events WHERE user_id = ?', [
          bob,
        ])
      )?.n;
    const before = await events();
    const session = await mintToken(t.keys, bob, { iat: Math.floor(t.clock.now / 1000) - 5 });
    expect((await t.call(bob, 'POST', '/v1/account/secure')).status).toBe(403);
    expect(await events()).toBe(before);
    const stillIn = await t.app.request('/v1/account', {
      headers: { Authorization: `Bearer ${session}` },
    });
    expect(stillIn.status).toBe(200);
    const back = await admin('POST', `/v1/admin/accounts/${bob}/unfreeze`);
    expect(back.body.status).toBe('active');
    expect(
      (await t.pay(alice, '/v1/transfers', { recipientId: bob, amount: eur(100) })).body.status,
    ).toBe('completed');
    expect((await admin('POST', '/v1/admin/accounts/nobody/freeze')).status).toBe(404);
    const asUser = await t.app.request(`/v1/admin/accounts/${bob}/freeze`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await mintToken(t.keys, bob)}` },
    });
    expect(asUser.status).toBe(401);
  });

  it('secures an account: old sessions stop, payments wait for SMS and a new PIN', async () => {
    const [alice, bob] = [await user(), await user()];
    const phone = nextPhone();
    await enroll(t, `${kind}-secure`, { phone });
    const me = `${kind}-secure`;
    const oldToken = await mintToken(t.keys, me, { iat: Math.floor(t.clock.now / 1000) });
    t.clock.now += 1000;
    const secured = await t.call(me, 'POST', '/v1/account/secure');
    expect(secured.body).toMatchObject({ status: 'locked', nextStep: 'unlock' });
    const stale = await t.app.request('/v1/account', {
      headers: { Authorization: `Bearer ${oldToken}` },
    });
    expect(stale.status).toBe(401);

    t.clock.now += 31_000;
    expect(
      (await t.pay(me, '/v1/transfers', { recipientId: bob, amount: eur(100) })).body.error.code,
    ).toBe('account_locked');
    await t.call(me, 'POST', '/v1/account/verification');
    const code = await t.lastCode(phone);
    const unlocked = await t.call(me, 'POST', '/v1/account/unlock', { code, pin: '508162' });
    expect(unlocked.body.status).toBe('active');
    const auth = await t.call(me, 'POST', '/v1/authorizations', {
      pin: '508162',
      amount: eur(4000),
      payeeId: alice,
    });
    expect(auth.status).toBe(201);
  });

  it('keeps a freeze made while the user secures or unlocks their account', async () => {
    const me = `${kind}-secure-race`;
    const phone = nextPhone();
    await enroll(t, me, { phone });
    t.clock.now += 3600_000;
    const status = async () =>
      (
        await db.store.get<{ status: string }>('SELECT status FROM accounts WHERE user_id = ?', [
          me,
        ])
      )?.status;
    /**
     * `call` made while a freeze of `me` is in progress: it holds the user's lock, as the
     * freeze route does, and the account's row, and writes `frozen` only once the call has
     * had time to read the account and reach its own write.
     */
    async function duringFreeze(call: () => ReturnType<TestApp['call']>) {
      let write = () => {};
      let holding = () => {};
      const held = new Promise<void>((resolve) => {
        holding = resolve;
      });
      const freezing = db.store.transaction(async (tx) => {
        await lockPayer(tx, me);
        if (kind === 'postgres')
          await tx.get('SELECT user_id FROM accounts WHERE user_id = ? FOR UPDATE', [me]);
        await new Promise<void>((resolve) => {
          write = resolve;
          holding();
        });
        await tx.run(
          `UPDATE accounts SET status_before_freeze = status, status = 'frozen' WHERE user_id = ?`,
          [me],
        );
      });
      await held;
      const calling = call();
      // Time to reach the store (an unlock hashes two PINs first).
      await new Promise((r) => setTimeout(r, 500));
      write();
      await freezing;
      return calling;
    }

    const secured = await duringFreeze(() => t.call(me, 'POST', '/v1/account/secure'));
    expect([secured.status, secured.body.error?.code, await status()]).toEqual([
      403,
      'account_frozen',
      'frozen',
    ]);
    await admin('POST', `/v1/admin/accounts/${me}/unfreeze`);
    expect((await t.call(me, 'POST', '/v1/account/secure')).body.status).toBe('locked');

    await t.call(me, 'POST', '/v1/account/verification');
    const code = await t.lastCode(phone);
    const unlock = () => t.call(me, 'POST', '/v1/account/unlock', { code, pin: '508162' });
    const unlocked = await duringFreeze(unlock);
    expect([unlocked.status, unlocked.body.error?.code, await status()]).toEqual([
      403,
      'account_frozen',
      'frozen',
    ]);
    // The unfreeze gives back what the freeze found: locked, until the user unlocks.
    expect((await admin('POST', `/v1/admin/accounts/${me}/unfreeze`)).body.status).toBe('locked');
    expect((await unlock()).body.status).toBe('active');
  });

  it('answers account_frozen, not locked, to a PIN that waited while the account was frozen', async () => {
    const [me, bob] = [await user(), await user()];
    const checking = (until: number | null) =>
      db.store.run('UPDATE accounts SET pin_check_until = ? WHERE user_id = ?', [until, me]);
    const tries = [
      () =>
        t.call(me, 'POST', '/v1/authorizations', {
          pin: '914273',
          amount: eur(4000),
          payeeId: bob,
        }),
      () => t.call(me, 'PUT', '/v1/account/pin', { currentPin: '914273', pin: '508162' }),
    ];
    for (const attempt of tries) {
      // Another check of the PIN is running: this one waits for its turn.
      await checking(t.clock.now + 60_000);
      const waiting = attempt();
      await new Promise((r) => setTimeout(r, 300));
      await admin('POST', `/v1/admin/accounts/${me}/freeze`);
      await checking(null);
      const res = await waiting;
      expect([res.status, res.body.error?.code]).toEqual([403, 'account_frozen']);
      const unfrozen = await admin('POST', `/v1/admin/accounts/${me}/unfreeze`);
      expect(unfrozen.body.status).toBe('active');
    }
  });

  it('secures an account not enrolled yet: a stolen token cannot go on to collect its money', async () => {
    const me = `${kind}-secure-new`;
    const oldToken = await mintToken(t.keys, me, { iat: Math.floor(t.clock.now / 1000) });
    t.clock.now += 1000;
    const secured = await t.call(me, 'POST', '/v1/account/secure');
    expect(secured.status).toBe(200);
    const stale = await t.app.request('/v1/account', {
      headers: { Authorization: `Bearer ${oldToken}` },
    });
    expect(stale.status).toBe(401);
  });

  it('asks for the PIN on the first payment from a new device', async () => {
    const [alice, bob] = [await user(), await user()];
    const phone = { 'Settle-Device': 'phone-0a1b2c3d' };
    const laptop = { 'Settle-Device': 'laptop-9f8e7d6c' };
    const small = { recipientId: bob, amount: eur(500) };
    // Before any PIN on a device, there is nothing to compare with: the exemption applies.
    expect((await t.pay(alice, '/v1/transfers', small, undefined, laptop)).status).toBe(201);
    const pin = await t.app.request('/v1/authorizations', {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${await mintToken(t.keys, alice, { iat: Math.floor(t.clock.now / 1000) })}`,
        'Content-Type': 'application/json',
        ...phone,
      },
      body: JSON.stringify({ pin: '914273', amount: eur(500), payeeId: bob }),
    });
    expect(pin.status).toBe(201);
    const { authorization } = (await pin.json()) as { authorization: string };
    expect((await t.pay(alice, '/v1/transfers', small, undefined, phone)).status).toBe(201);

    for (const other of [laptop, {}]) {
      const res = await t.pay(alice, '/v1/transfers', small, undefined, other);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('authentication_required');
      expect(res.body.error.message).toMatch(/this device/);
    }
    const confirmed = await t.pay(
      alice,
      '/v1/transfers',
      { ...small, authorization },
      undefined,
      laptop,
    );
    expect(confirmed.status).toBe(201);
    const bad = await t.pay(alice, '/v1/transfers', small, undefined, { 'Settle-Device': 'x' });
    expect(bad.status).toBe(400);
  });
});
