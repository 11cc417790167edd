import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxProcessor } from '../processor/sandbox.js';
import {
  enroll,
  enrollUntilCode,
  FR_CARD,
  GB_CARD,
  nextPhone,
  type TestApp,
  testApp,
} from '../testing/platform.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';

const nextYear = new Date().getFullYear() + 1;

describe.each(await storeKinds())('enrollment on the %s store', (kind) => {
  let db: TestStore;
  let t: TestApp;
  beforeAll(async () => {
    db = await openTestStore(kind);
    t = await testApp(db.store);
  });
  afterAll(() => db.cleanup());

  const tokenFor = async (number: string, expYear = nextYear) =>
    (await t.call(null, 'POST', '/v1/card-tokens', { number, expMonth: 12, expYear, cvc: '123' }))
      .body.token as string;

  it('takes a user from new to active over HTTP only', async () => {
    let res = await t.call('alice', 'GET', '/v1/account');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'new', nextStep: 'profile', card: null });

    res = await t.call('alice', 'PUT', '/v1/account/profile', {
      legalName: 'Alice Martin',
      country: 'FR',
      phone: '06 12 34 56 78',
    });
    expect(res.status).toBe(200);
    expect(res.body.profile).toEqual({
      legalName: 'Alice Martin',
      country: 'FR',
      phone: '+33 •••••••78',
    });
    expect(res.body).toMatchObject({ nextStep: 'card', currency: 'EUR' });
    expect(res.body.limits.perTransfer).toEqual({ value: 50000, currency: 'EUR' });

    const tokenRes = await t.call(null, 'POST', '/v1/card-tokens', {
      number: FR_CARD,
      expMonth: 12,
      expYear: nextYear,
      cvc: '123',
    });
    expect(tokenRes.status).toBe(201);
    expect(tokenRes.body.card).toEqual({
      brand: 'visa',
      last4: '0003',
      expMonth: 12,
      expYear: nextYear,
    });
    expect(tokenRes.body.token).toMatch(/^ctok_/);

    res = await t.call('alice', 'POST', '/v1/account/card', { token: tokenRes.body.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ nextStep: 'pin', card: { brand: 'visa', last4: '0003' } });

    res = await t.call('alice', 'PUT', '/v1/account/pin', { pin: '914273' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'pending_verification',
      nextStep: 'verification',
      pinSet: true,
    });

    const code = await t.lastCode('+33612345678');
    expect(code).toMatch(/^\d{6}$/);
    res = await t.call('alice', 'POST', '/v1/account/verification/check', { code });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'active', nextStep: null });

    expect((await t.call('alice', 'GET', '/v1/account')).body.status).toBe('active');
  });

  it('uses a card token only once', async () => {
    await t.call('bob', 'PUT', '/v1/account/profile', {
      legalName: 'Bob Durand',
      country: 'FR',
      phone: '+33 7 81 22 33 44',
    });
    const token = await tokenFor(FR_CARD);
    expect((await t.call('bob', 'POST', '/v1/account/card', { token })).status).toBe(200);
    await t.call('carol', 'PUT', '/v1/account/profile', {
      legalName: 'Carol Petit',
      country: 'FR',
      phone: '+33 6 98 76 54 32',
    });
    const reuse = await t.call('carol', 'POST', '/v1/account/card', { token });
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toMatchObject({ code: 'card_token_invalid', param: 'token' });
    expect((await t.call('carol', 'GET', '/v1/account')).body.card).toBeNull();
  });

  it.each([
    [GB_CARD, 'card_country_mismatch'],
    ['4000000000000069', 'expired_card'],
    ['4242424242424242', 'card_unsupported'],
  ])('refuses card %s with %s and keeps the account as it was', async (number, code) => {
    const user = `dave-${code}`;
    await t.call(user, 'PUT', '/v1/account/profile', {
      legalName: 'Dave Leroy',
      country: 'FR',
      phone: '+33 6 55 44 33 22',
    });
    const res = await t.call(user, 'POST', '/v1/account/card', { token: await tokenFor(number) });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe(code);
    expect((await t.call(user, 'GET', '/v1/account')).body).toMatchObject({
      card: null,
      nextStep: 'card',
    });
  });

  it('rejects card numbers that fail Luhn or have expired before making a token', async () => {
    const bad = await t.call(null, 'POST', '/v1/card-tokens', {
      number: '4000002500000004',
      expMonth: 12,
      expYear: nextYear,
      cvc: '123',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'card_number_invalid', param: 'number' });
    const old = await t.call(null, 'POST', '/v1/card-tokens', {
      number: FR_CARD,
      expMonth: 1,
      expYear: 2020,
      cvc: '123',
    });
    expect(old.status).toBe(400);
    expect(old.body.error.code).toBe('card_expired');
  });

  it('validates and normalises the phone for the profile’s country', async () => {
    const landline = await t.call('erin', 'PUT', '/v1/account/profile', {
      legalName: 'Erin Blanc',
      country: 'FR',
      phone: '01 23 45 67 89',
    });
    expect(landline.status).toBe(422);
    expect(landline.body.error).toMatchObject({ code: 'phone_not_mobile', param: 'phone' });
    const foreign = await t.call('erin', 'PUT', '/v1/account/profile', {
      legalName: 'Erin Blanc',
      country: 'FR',
      phone: '+44 7400 123456',
    });
    expect(foreign.body.error).toMatchObject({ code: 'phone_invalid', param: 'phone' });
    expect((await t.call('erin', 'GET', '/v1/account')).body.profile).toBeNull();
    const uk = await t.call('erin', 'PUT', '/v1/account/profile', {
      legalName: 'Erin Blanc',
      country: 'GB',
      phone: '07400 123456',
    });
    expect(uk.status).toBe(200);
    expect(uk.body).toMatchObject({ currency: 'GBP', profile: { phone: '+44 ••••••••56' } });
  });

  it.each([
    ['a missing field', { legalName: 'Frank', country: 'FR' }, 'phone'],
    [
      'an unknown country',
      { legalName: 'Frank', country: 'DE', phone: '+4915112345678' },
      'country',
    ],
    ['an extra field', { legalName: 'Frank', country: 'FR', phone: '0612345678', admin: true }, ''],
    ['a wrong type', { legalName: 42, country: 'FR', phone: '0612345678' }, 'legalName'],
    [
      'a huge name',
      { legalName: 'F'.repeat(5000), country: 'FR', phone: '0612345678' },
      'legalName',
    ],
  ])('answers 400 for %s and changes nothing', async (_, body, param) => {
    const res = await t.call('frank', 'PUT', '/v1/account/profile', body);
    expect(res.status).toBe(400);
    expect(res.body.error.type).toBe('invalid_request_error');
    if (param) expect(res.body.error.param).toBe(param);
    expect((await t.call('frank', 'GET', '/v1/account')).body.profile).toBeNull();
  });

  it('answers 400 for malformed JSON', async () => {
    const res = await t.call('frank', 'PUT', '/v1/account/profile', '{"legalName":');
    expect(res.status).toBe(400);
    expect(res.body.error.type).toBe('invalid_request_error');
  });

  it.each(['1234', '0000', '987654', '121212', '12', '1234567', 'abcd'])(
    'refuses the PIN %s',
    async (pin) => {
      await t.call('gina', 'PUT', '/v1/account/profile', {
        legalName: 'Gina Roux',
        country: 'FR',
        phone: '+33 6 01 02 03 04',
      });
      const res = await t.call('gina', 'PUT', '/v1/account/pin', { pin });
      expect(res.status).toBe(pin.length < 4 || pin.length > 6 || /\D/.test(pin) ? 400 : 409);
    },
  );

  it('refuses trivial PINs once a card is attached', async () => {
    await t.call('gina', 'POST', '/v1/account/card', { token: await tokenFor(FR_CARD) });
    const res = await t.call('gina', 'PUT', '/v1/account/pin', { pin: '1234' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'pin_too_simple', param: 'pin' });
    expect((await t.call('gina', 'GET', '/v1/account')).body.status).toBe('new');
  });

  it('takes steps only in order', async () => {
    const res = await t.call('henri', 'PUT', '/v1/account/pin', { pin: '914273' });
    expect(res.status).toBe(409);
    const early = await t.call('henri', 'POST', '/v1/account/verification/check', {
      code: '123456',
    });
    expect(early.status).toBe(409);
  });

  it('lets an active user change the PIN only with the current one', async () => {
    await enroll(t, 'ines', { phone: '+33611112222' });
    const wrong = await t.call('ines', 'PUT', '/v1/account/pin', {
      pin: '508162',
      currentPin: '000111',
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error).toMatchObject({
      code: 'authentication_failed',
      message: 'Authentication failed.',
    });
    const ok = await t.call('ines', 'PUT', '/v1/account/pin', {
      pin: '508162',
      currentPin: '914273',
    });
    expect(ok.status).toBe(200);
  });

  it('never activates an account whose profile changed while its SMS code was checked', async () => {
    let gbPhone = 7_400_200_000;
    for (let round = 0; round < 30; round++) {
      const userId = `${kind}-race-${round}`;
      const { code } = await enrollUntilCode(t, userId, { phone: nextPhone() });
      const [check, moved] = await Promise.all([
        t.call(userId, 'POST', '/v1/account/verification/check', { code }),
        t.call(userId, 'PUT', '/v1/account/profile', {
          legalName: 'Alice Martin',
          country: 'GB',
          phone: `+44${++gbPhone}`,
        }),
      ]);
      const { body } = await t.call(userId, 'GET', '/v1/account');
      // Either the code won (active in France, with its card; the move came too late) or the
      // move did (in Britain, without the French card, not active).
      if (body.status === 'active') {
        expect(check.status).toBe(200);
        expect(moved.status).toBe(409);
        expect(body).toMatchObject({ profile: { country: 'FR' }, card: { last4: '0003' } });
      } else {
        expect(moved.status).toBe(200);
        expect([400, 409]).toContain(check.status);
        expect(body).toMatchObject({ profile: { country: 'GB' }, card: null });
      }
    }
    // 30 enrollments, each hashing a PIN: over the default 5 s on a busy 2-core machine.
  }, 30_000);

  describe('while the card network checks a card', () => {
    // Runs once, during the next check: what another request (or process) does meanwhile.
    let meanwhile: (() => Promise<unknown>) | undefined;
    let slow: TestApp;
    beforeAll(async () => {
      const network = sandboxProcessor({ store: db.store });
      slow = await testApp(db.store, {
        processor: {
          ...network,
          checkCard: async (card) => {
            const during = meanwhile;
            meanwhile = undefined;
            await during?.();
            return network.checkCard(card);
          },
        },
      });
    });
    const attachWhile = async (userId: string, card: string, during: () => Promise<unknown>) => {
      const { body } = await slow.call(null, 'POST', '/v1/card-tokens', {
        number: card,
        expMonth: 12,
        expYear: nextYear,
        cvc: '123',
      });
      meanwhile = during;
      return slow.call(userId, 'POST', '/v1/account/card', { token: body.token });
    };

    it('does not attach a card checked for a country the profile no longer has', async () => {
      await slow.call('yann', 'PUT', '/v1/account/profile', {
        legalName: 'Yann Smith',
        country: 'GB',
        phone: '+447400123456',
      });
      const res = await attachWhile('yann', GB_CARD, () =>
        slow.call('yann', 'PUT', '/v1/account/profile', {
          legalName: 'Yann Smith',
          country: 'FR',
          phone: nextPhone(),
        }),
      );
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('account_changed');
      const account = await slow.call('yann', 'GET', '/v1/account');
      expect(account.body).toMatchObject({ profile: { country: 'FR' }, card: null });
    });

    it('does not change the card of an account activated meanwhile', async () => {
      const { code } = await enrollUntilCode(slow, 'zoe', { phone: nextPhone() });
      const res = await attachWhile('zoe', FR_CARD, () =>
        slow.call('zoe', 'POST', '/v1/account/verification/check', { code }),
      );
      expect(res.status).toBe(409);
      const account = await slow.call('zoe', 'GET', '/v1/account');
      expect(account.body).toMatchObject({ status: 'active', card: { last4: '0003' } });
    });
  });
});
