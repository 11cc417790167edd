import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxProcessor } from '../processor/sandbox.js';
import { FR_CARD, GB_CARD, nextPhone, type TestApp, testApp } from '../testing/platform.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';
import { CARD_CHECKS } from './card-checks.js';

const nextYear = new Date().getFullYear() + 1;
/** Luhn-valid, but no card the sandbox network knows. */
const UNKNOWN_CARD = '4242424242424242';

describe.each(await storeKinds())('card testing, on the %s store', (kind) => {
  let db: TestStore;
  let t: TestApp;
  beforeAll(async () => {
    db = await openTestStore(kind);
    t = await testApp(db.store);
  });
  afterAll(() => db.cleanup());

  const withProfile = async (userId: string, on = t) => {
    await on.call(userId, 'PUT', '/v1/account/profile', {
      legalName: 'Dave Leroy',
      country: 'FR',
      phone: nextPhone(),
    });
  };
  const attach = async (userId: string, number: string, on = t) => {
    const { body } = await on.call(null, 'POST', '/v1/card-tokens', {
      number,
      expMonth: 12,
      expYear: nextYear,
      cvc: '123',
    });
    return on.call(userId, 'POST', '/v1/account/card', { token: body.token });
  };

  it('stops asking the card network after 5 refused cards in a day, and says when to retry', async () => {
    await withProfile('tester');
    for (let i = 0; i < CARD_CHECKS.refusedPerDay; i++) {
      const refused = await attach('tester', i % 2 ? UNKNOWN_CARD : GB_CARD);
      expect(refused.status).toBe(422);
    }
    // Even a good card is not checked now: the answer would still tell a live number.
    const blocked = await attach('tester', FR_CARD);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toMatchObject({
      type: 'rate_limit_error',
      code: 'too_many_card_attempts',
    });
    const retryAfter = Number(blocked.headers.get('Retry-After'));
    expect(retryAfter).toBeGreaterThan(23 * 3600);
    expect(retryAfter).toBeLessThanOrEqual(24 * 3600);
    expect((await t.call('tester', 'GET', '/v1/account')).body).toMatchObject({ card: null });

    t.clock.now += retryAfter * 1000;
    expect((await attach('tester', FR_CARD)).status).toBe(200);
  });

  it('checks at most 10 cards a day for one user, even cards that pass', async () => {
    await withProfile('collector');
    for (let i = 0; i < CARD_CHECKS.perDay; i++) {
      expect((await attach('collector', FR_CARD)).status).toBe(200);
    }
    const blocked = await attach('collector', FR_CARD);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('too_many_card_attempts');
  });

  it('lets other users try their cards meanwhile', async () => {
    await withProfile('someone-else');
    expect((await attach('someone-else', FR_CARD)).status).toBe(200);
  });

  it('holds the limit when many attempts arrive at once', async () => {
    await withProfile('burst');
    const results = await Promise.all(Array.from({ length: 8 }, () => attach('burst', GB_CARD)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([422, 422, 422, 422, 422, 429, 429, 429]);
  });

  it('does not count a check the network failed to answer', async () => {
    let down = true;
    const network = sandboxProcessor({ store: db.store });
    const flaky = await testApp(db.store, {
      processor: {
        ...network,
        checkCard: async (card) => {
          if (down) throw new Error('network unreachable');
          return network.checkCard(card);
        },
      },
    });
    await withProfile('patient', flaky);
    for (let i = 0; i < CARD_CHECKS.perDay; i++) {
      const res = await attach('patient', FR_CARD, flaky);
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('card_network_unavailable');
      expect(res.headers.get('Retry-After')).toBe('30');
    }
    down = false;
    expect((await attach('patient', FR_CARD, flaky)).status).toBe(200);
  });
});
