import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  enroll,
  enrollUntilCode,
  FR_CARD,
  GB_CARD,
  type TestApp,
  testApp,
} from '../testing/platform.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';

describe.each(await storeKinds())('SMS codes and PINs on the %s store', (kind) => {
  let db: TestStore;
  let t: TestApp;
  beforeAll(async () => {
    db = await openTestStore(kind);
    t = await testApp(db.store);
  });
  afterAll(() => db.cleanup());

  /** Enrolls up to the SMS step; the first code has been sent. */
  async function upToCode(userId: string, phone: string) {
    await t.call(userId, 'PUT', '/v1/account/profile', {
      legalName: 'Test User',
      country: 'FR',
      phone,
    });
    const { body } = await t.call(null, 'POST', '/v1/card-tokens', {
      number: FR_CARD,
      expMonth: 12,
      expYear: new Date().getFullYear() + 2,
      cvc: '123',
    });
    await t.call(userId, 'POST', '/v1/account/card', { token: body.token });
    await t.call(userId, 'PUT', '/v1/account/pin', { pin: '914273' });
  }
  const check = (userId: string, code: string) =>
    t.call(userId, 'POST', '/v1/account/verification/check', { code });
  const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('writes the SMS in the language of the profile’s country', async () => {
    const sms = async (phone: string) =>
      (await t.call(null, 'GET', '/dev/sms')).body.data.find(
        (m: { phone: string }) => m.phone === phone,
      )?.body;
    await upToCode('u11', '+33610000011');
    expect(await sms('+33610000011')).toMatch(/^Settle : votre code est \d{6}\. Il expire/);
    await enrollUntilCode(t, 'u12', { phone: '+447400123411', country: 'GB', card: GB_CARD });
    expect(await sms('+447400123411')).toMatch(/^Settle: your code is \d{6}\. It expires/);
  });

  it('kills a code after 5 wrong tries, even if the 6th is right', async () => {
    await upToCode('u1', '+33610000001');
    const code = (await t.lastCode('+33610000001')) as string;
    for (let i = 0; i < 5; i++) {
      const res = await check('u1', wrongCode(code));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('code_incorrect');
    }
    const late = await check('u1', code);
    expect(late.status).toBe(400);
    expect(late.body.error.code).toBe('code_expired');
    expect((await t.call('u1', 'GET', '/v1/account')).body.status).toBe('pending_verification');
  });

  it('gives no more than 5 tries to concurrent guesses', async () => {
    await upToCode('u2', '+33610000002');
    const code = (await t.lastCode('+33610000002')) as string;
    const results = await Promise.all(
      Array.from({ length: 12 }, () => check('u2', wrongCode(code))),
    );
    expect(results.filter((r) => r.body.error.code === 'code_incorrect')).toHaveLength(5);
    expect((await check('u2', code)).body.error.code).toBe('code_expired');
  });

  it('expires a code after 10 minutes', async () => {
    await upToCode('u3', '+33610000003');
    const code = (await t.lastCode('+33610000003')) as string;
    t.clock.now += 10 * 60_000 + 1;
    expect((await check('u3', code)).body.error.code).toBe('code_expired');
  });

  it('resends not before 30 s and at most 5 times an hour per phone', async () => {
    await upToCode('u4', '+33610000004');
    const tooSoon = await t.call('u4', 'POST', '/v1/account/verification');
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.body.error.code).toBe('resend_too_soon');
    expect(Number(tooSoon.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(tooSoon.headers.get('retry-after'))).toBeLessThanOrEqual(30);

    for (let i = 0; i < 4; i++) {
      t.clock.now += 31_000;
      const res = await t.call('u4', 'POST', '/v1/account/verification');
      expect(res.status).toBe(200);
      expect(res.body.phone).toBe('+33 •••••••04');
    }
    t.clock.now += 31_000;
    const capped = await t.call('u4', 'POST', '/v1/account/verification');
    expect(capped.status).toBe(429);
    expect(capped.body.error.code).toBe('too_many_codes');
    const wait = Number(capped.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(30 * 60);

    // The limit is the phone's: another account with the same number is held too.
    await upToCode('u4-twin', '+33610000004');
    const twin = await t.call('u4-twin', 'POST', '/v1/account/verification');
    expect(twin.status).toBe(429);

    t.clock.now += wait * 1000;
    expect((await t.call('u4', 'POST', '/v1/account/verification')).status).toBe(200);
    // Only the newest code works.
    const code = (await t.lastCode('+33610000004')) as string;
    expect((await check('u4', code)).body.status).toBe('active');
  });

  it('locks the account after 5 wrong PINs in a row, and unlocks with SMS and a new PIN', async () => {
    const phone = await enroll(t, 'u5', { phone: '+33610000005' });
    for (let i = 0; i < 4; i++) {
      const res = await t.call('u5', 'PUT', '/v1/account/pin', {
        pin: '508162',
        currentPin: '111333',
      });
      expect(res.body.error.code).toBe('authentication_failed');
    }
    const fifth = await t.call('u5', 'PUT', '/v1/account/pin', {
      pin: '508162',
      currentPin: '111333',
    });
    expect(fifth.status).toBe(403);
    expect(fifth.body.error.code).toBe('account_locked');
    expect((await t.call('u5', 'GET', '/v1/account')).body).toMatchObject({
      status: 'locked',
      nextStep: 'unlock',
    });
    // Even the right PIN no longer works.
    const right = await t.call('u5', 'PUT', '/v1/account/pin', {
      pin: '508162',
      currentPin: '914273',
    });
    expect(right.body.error.code).toBe('account_locked');

    t.clock.now += 31_000;
    expect((await t.call('u5', 'POST', '/v1/account/verification')).status).toBe(200);
    const code = (await t.lastCode(phone)) as string;
    // The old PIN is refused, and the code still works with a new one.
    const same = await t.call('u5', 'POST', '/v1/account/unlock', { code, pin: '914273' });
    expect(same.status).toBe(422);
    expect(same.body.error).toMatchObject({ code: 'pin_unchanged', param: 'pin' });
    expect((await t.call('u5', 'GET', '/v1/account')).body.status).toBe('locked');
    const unlocked = await t.call('u5', 'POST', '/v1/account/unlock', { code, pin: '508162' });
    expect(unlocked.status).toBe(200);
    expect(unlocked.body.status).toBe('active');
    const changed = await t.call('u5', 'PUT', '/v1/account/pin', {
      pin: '736251',
      currentPin: '508162',
    });
    expect(changed.status).toBe(200);
  });

  const authorize = (userId: string, payeeId: string, pin: string) =>
    t.call(userId, 'POST', '/v1/authorizations', {
      pin,
      amount: { value: 5000, currency: 'EUR' },
      payeeId,
    });

  it('counts simultaneous PIN checks one by one: right ones pass, a wrong one among them does not lock', async () => {
    await enroll(t, 'u7', { phone: '+33610000007' });
    await enroll(t, 'u8', { phone: '+33610000008' });
    const answers = await Promise.all([
      ...Array.from({ length: 8 }, () => authorize('u7', 'u8', '914273')),
      authorize('u7', 'u8', '111333'),
    ]);
    expect(answers.slice(0, 8).map((a) => a.status)).toEqual(Array(8).fill(201));
    expect(answers[8]?.body.error.code).toBe('authentication_failed');
    expect((await t.call('u7', 'GET', '/v1/account')).body.status).toBe('active');
  });

  it('gives no more than 5 tries to simultaneous wrong PINs', async () => {
    await enroll(t, 'u9', { phone: '+33610000009' });
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => authorize('u9', 'u8', `1113${30 + i}`)),
    );
    const codes = answers.map((a) => a.body.error.code);
    expect(codes.filter((c) => c === 'authentication_failed')).toHaveLength(4);
    expect(codes.filter((c) => c === 'account_locked')).toHaveLength(8);
    expect((await t.call('u9', 'GET', '/v1/account')).body.status).toBe('locked');
  });

  it('frees the PIN check of a server that crashed during it once its lease ends', async () => {
    await enroll(t, 'u10', { phone: '+33610000010' });
    // As a check that crashed before its outcome leaves it.
    await db.store.run('UPDATE accounts SET pin_check_until = ? WHERE user_id = ?', [
      t.clock.now + 10_000,
      'u10',
    ]);
    const busy = await authorize('u10', 'u8', '914273');
    expect(busy.status).toBe(429);
    expect(busy.body.error.code).toBe('pin_check_in_progress');
    expect(busy.headers.get('retry-after')).toBe('1');
    t.clock.now += 10_000;
    expect((await authorize('u10', 'u8', '914273')).status).toBe(201);
  });

  it('resets the count of wrong PINs after a right one', async () => {
    await enroll(t, 'u6', { phone: '+33610000006' });
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 4; i++) {
        await t.call('u6', 'PUT', '/v1/account/pin', { pin: '508162', currentPin: '111333' });
      }
      const ok = await t.call('u6', 'PUT', '/v1/account/pin', {
        pin: '914273',
        currentPin: '914273',
      });
      expect(ok.status).toBe(200);
    }
    expect((await t.call('u6', 'GET', '/v1/account')).body.status).toBe('active');
  });
});
