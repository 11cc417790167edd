import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enroll, nextPhone, SECRET_KEY, type TestApp, testApp } from '../testing/platform.js';
import { changes, snapshot } from '../testing/snapshot.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';
import { findNul } from './nul.js';

describe('findNul', () => {
  it('names the first string or key holding a NUL character', () => {
    expect(findNul({ a: ['x', 'y\u0000'] })).toBe('a.1');
    expect(findNul({ 'k\u0000': 1 })).toBe('k\u0000');
    expect(findNul('\u0000')).toBe('');
    expect(findNul({ a: 'x', b: [1, null, { c: 'ok' }] })).toBeUndefined();
  });
});

// PostgreSQL cannot store NUL in text: it failed such input with a 500 where SQLite took it.
describe.each(await storeKinds())('NUL characters in input, on the %s store', (kind) => {
  let db: TestStore;
  let t: TestApp;
  beforeAll(async () => {
    db = await openTestStore(kind);
    t = await testApp(db.store);
    await enroll(t, 'alice', { phone: nextPhone() });
  });
  afterAll(() => db.cleanup());

  it('are refused with a 400 naming the field, and change nothing', async () => {
    const before = await snapshot(db.store);
    const eur = { value: 500, currency: 'EUR' };
    const refused = [
      await t.call('alice', 'GET', '/v1/transfers/tr_%00'),
      await t.call('alice', 'POST', '/v1/requests/%00/decline'),
      await t.pay('alice', '/v1/transfers', { recipientId: 'bob', amount: eur, note: 'a\u0000' }),
      await t.call('alice', 'PUT', '/v1/assistant/preferences', {
        mutedConversations: { add: ['conv\u0000'] },
      }),
      await t.call('alice', 'POST', '/v1/account/card', { token: 'ctok_\u0000' }),
    ];
    const admin = await t.app.request('/v1/admin/accounts/bob%00/freeze', {
      method: 'POST',
      headers: { Authorization: `Bearer ${SECRET_KEY}` },
    });
    expect(refused.map((r) => r.status)).toEqual([400, 400, 400, 400, 400]);
    expect(admin.status).toBe(400);
    expect(refused[2]?.body.error).toMatchObject({ code: 'parameter_invalid', param: 'note' });
    expect(refused[3]?.body.error.param).toBe('mutedConversations.add.0');
    expect(changes(before, await snapshot(db.store))).toEqual([]);
  });

  it('in the subject of a user token make it invalid', async () => {
    const res = await t.call('eve\u0000', 'GET', '/v1/account');
    expect(res.status).toBe(401);
    expect(res.body.error.message).toContain('sub');
  });

  // Nor can UTF-8 carry a lone surrogate: PostgreSQL failed the first write with a 500, and
  // stored as U+FFFD, `a\ud800` and `a\udc00` would have been one account.
  it('in the subject of a user token make it invalid, as do lone surrogates', async () => {
    const before = await snapshot(db.store);
    const res = await t.call('eve\ud800', 'PUT', '/v1/account/profile', {
      legalName: 'Eve Martin',
      country: 'FR',
      phone: nextPhone(),
    });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toContain('sub');
    expect(changes(before, await snapshot(db.store))).toEqual([]);
  });
});
