import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken, SECRET_KEY, type TestApp, testApp } from '../testing/platform.js';
import { openTestStore, type TestStore } from '../testing/stores.js';

describe('the admin API', () => {
  let db: TestStore;
  let t: TestApp;
  beforeAll(async () => {
    db = await openTestStore('sqlite');
    t = await testApp(db.store);
    await t.call('alice', 'PUT', '/v1/account/profile', {
      legalName: 'Alice Martin',
      country: 'FR',
      phone: '+33612345678',
    });
  });
  afterAll(() => db.cleanup());

  const admin = (path: string, credential: string) =>
    t.app.request(path, { headers: { Authorization: `Bearer ${credential}` } });

  it('shows an account to the platform’s secret key', async () => {
    const res = await admin('/v1/admin/accounts/alice', SECRET_KEY);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ userId: 'alice', nextStep: 'card' });
  });

  it('answers 404 for an account that does not exist', async () => {
    expect((await admin('/v1/admin/accounts/nobody', SECRET_KEY)).status).toBe(404);
  });

  it('refuses user tokens and wrong keys, saying which it got', async () => {
    const refusal = async (res: Response) => {
      expect(res.status).toBe(401);
      return ((await res.json()) as { error: { message: string } }).error.message;
    };
    const needsKey = 'Admin calls need a platform secret key: `Authorization: Bearer sk_...`.';
    expect(
      await refusal(await admin('/v1/admin/accounts/alice', await mintToken(t.keys, 'alice'))),
    ).toBe(needsKey);
    expect(await refusal(await t.app.request('/v1/admin/accounts/alice'))).toBe(needsKey);
    // A key removed by a rotation is a secret key: the answer says the server no longer has it.
    expect(await refusal(await admin('/v1/admin/accounts/alice', `${SECRET_KEY}x`))).toBe(
      'This secret key is not one of the server’s (SETTLE_SECRET_KEYS).',
    );
  });
});
