import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConflictError,
  InvalidRequestError,
  PermissionError,
  RateLimitError,
  type SettleApiError,
} from '../errors.js';
import { FR_CARD, GB_CARD, startServer, type TestServer } from '../testing/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('enrollment through the SDK, against the real server', () => {
  it('takes a user from new to active', async () => {
    const settle = server.settleFor('alice');
    expect(await settle.account.get()).toMatchObject({ status: 'new', nextStep: 'profile' });

    let account = await settle.account.setProfile({
      legalName: 'Alice Martin',
      country: 'FR',
      phone: '06 12 34 56 78',
    });
    expect(account).toMatchObject({
      nextStep: 'card',
      currency: 'EUR',
      profile: { legalName: 'Alice Martin', country: 'FR', phone: '+33 •••••••78' },
    });

    account = await settle.account.attachCard({ token: await server.cardToken(FR_CARD) });
    expect(account).toMatchObject({ nextStep: 'pin', card: { brand: 'visa', last4: '0003' } });

    account = await settle.account.setPin({ pin: '914273' });
    expect(account).toMatchObject({ status: 'pending_verification', nextStep: 'verification' });

    account = await settle.account.verify({ code: await server.lastCode('+33612345678') });
    expect(account).toMatchObject({ status: 'active', nextStep: null });
    expect((await settle.account.get()).status).toBe('active');
  });

  it('throws InvalidRequestError naming the field, with the request id', async () => {
    const settle = server.settleFor('bob');
    const error = await settle.account
      .setProfile({ legalName: 'Bob Durand', country: 'FR', phone: '01 23 45 67 89' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({
      status: 422,
      type: 'invalid_request_error',
      code: 'phone_not_mobile',
      param: 'phone',
    });
    expect((error as SettleApiError).requestId).toMatch(/\S/);
    expect((await settle.account.get()).profile).toBeNull();
  });

  it('throws ConflictError for a step taken out of order', async () => {
    const settle = server.settleFor('carol');
    await settle.account.setProfile({
      legalName: 'Carol Petit',
      country: 'FR',
      phone: '0698765432',
    });
    await expect(settle.account.setPin({ pin: '914273' })).rejects.toMatchObject({
      constructor: ConflictError,
      code: 'card_missing',
    });
  });

  it('refuses a card from another country with a 422', async () => {
    const settle = server.settleFor('dave');
    await settle.account.setProfile({
      legalName: 'Dave Leroy',
      country: 'FR',
      phone: '0655443322',
    });
    await expect(
      settle.account.attachCard({ token: await server.cardToken(GB_CARD) }),
    ).rejects.toMatchObject({ status: 422, code: 'card_country_mismatch' });
  });

  it('resends the code once allowed, and reports a resend that is too soon without retrying', async () => {
    const phone = '+33781223344';
    const settle = server.settleFor('erin');
    await settle.account.setProfile({ legalName: 'Erin Blanc', country: 'FR', phone });
    await settle.account.attachCard({ token: await server.cardToken() });
    await settle.account.setPin({ pin: '914273' });
    const first = await server.lastCode(phone);

    const started = Date.now();
    const error = await settle.account.sendVerification().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).code).toBe('resend_too_soon');
    expect((error as RateLimitError).retryAfter).toBeGreaterThan(0);
    // Sending a code is not idempotent, so the SDK does not wait and try again.
    expect(Date.now() - started).toBeLessThan(1000);

    server.clock.now += 31_000;
    const sent = await settle.account.sendVerification();
    expect(sent.phone).toBe('+33 •••••••44');
    expect(Date.parse(sent.resendAvailableAt)).toBe(server.clock.now + 30_000);
    const second = await server.lastCode(phone);
    expect(second).not.toBe(first);
    expect((await settle.account.verify({ code: second })).status).toBe('active');
  });

  it('locks after five wrong PINs and unlocks with an SMS code and a new PIN', async () => {
    const phone = '+33601020304';
    const settle = await server.enroll('gina', { phone });
    for (let i = 0; i < 4; i++) {
      await expect(
        settle.account.setPin({ pin: '583920', currentPin: '111222' }),
      ).rejects.toMatchObject({ constructor: PermissionError, code: 'authentication_failed' });
    }
    await expect(
      settle.account.setPin({ pin: '583920', currentPin: '111222' }),
    ).rejects.toMatchObject({ code: 'account_locked' });
    expect(await settle.account.get()).toMatchObject({ status: 'locked', nextStep: 'unlock' });

    server.clock.now += 31_000;
    await settle.account.sendVerification();
    const account = await settle.account.unlock({
      code: await server.lastCode(phone),
      pin: '583920',
    });
    expect(account).toMatchObject({ status: 'active', nextStep: null });
    // The new PIN is the one that counts now.
    expect((await settle.account.setPin({ pin: '702519', currentPin: '583920' })).status).toBe(
      'active',
    );
  });

  it('secures the account: locked, earlier tokens refused, back with an SMS code and a new PIN', async () => {
    const phone = '+33699887766';
    const getToken = () => server.token('hana');
    const settle = await server.enroll('hana', { phone });
    const earlier = await getToken();
    server.clock.now += 1000;
    expect((await settle.account.secure()).status).toBe('locked');
    const stale = await fetch(`${server.baseUrl}/v1/account`, {
      headers: { Authorization: `Bearer ${earlier}` },
    });
    expect(stale.status).toBe(401);

    server.clock.now += 31_000;
    // The SDK's cached token was revoked too: it fetches a fresh one on the 401.
    await settle.account.sendVerification();
    const account = await settle.account.unlock({
      code: await server.lastCode(phone),
      pin: '583920',
    });
    expect(account.status).toBe('active');
  });
});
