import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FR_CARD, type TestApp, testApp } from '../testing/platform.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';
import { resealCards } from './reseal.js';
import { createVault, generateVaultKey } from './vault.js';

const nextYear = new Date().getFullYear() + 1;
const OTHER_CARD = '5555555555554444';

describe.each(await storeKinds())('resealCards on the %s store', (kind) => {
  let db: TestStore;
  let t: TestApp;
  const k1 = generateVaultKey();
  const k2 = generateVaultKey();
  beforeAll(async () => {
    db = await openTestStore(kind);
    t = await testApp(db.store, { vault: { keys: { k1 }, activeKeyId: 'k1' } });
  });
  afterAll(() => db.cleanup());

  it('moves every card number to the active key, so the old key can go', async () => {
    for (const number of [FR_CARD, OTHER_CARD, FR_CARD]) {
      const res = await t.call(null, 'POST', '/v1/card-tokens', {
        number,
        expMonth: 12,
        expYear: nextYear,
        cvc: '123',
      });
      expect(res.status).toBe(201);
    }
    const rotated = createVault({ keys: { k1, k2 }, activeKeyId: 'k2' });
    expect(await resealCards(db.store, rotated)).toBe(3);

    const rows = await db.store.all<{ id: string; key_id: string; pan_sealed: string }>(
      'SELECT id, key_id, pan_sealed FROM cards ORDER BY created_at, id',
    );
    expect(rows.map((r) => r.key_id)).toEqual(['k2', 'k2', 'k2']);
    // Only the new key is needed now, and every number is intact.
    const newOnly = createVault({ keys: { k2 }, activeKeyId: 'k2' });
    const numbers = await Promise.all(rows.map((r) => newOnly.open(r.pan_sealed, r.id)));
    expect(numbers.sort()).toEqual([FR_CARD, FR_CARD, OTHER_CARD].sort());
    // Again: nothing left to do.
    expect(await resealCards(db.store, rotated)).toBe(0);
  });
});
