import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECLINED_CARD, FR_CARD } from '../testing/platform.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';
import { sandboxProcessor } from './sandbox.js';

describe.each(await storeKinds())('the sandbox card network on the %s store', (kind) => {
  let db: TestStore;
  beforeAll(async () => {
    db = await openTestStore(kind);
  });
  afterAll(() => db.cleanup());

  const op = (key: string, pan: string) => ({
    idempotencyKey: key,
    card: { pan, expMonth: 12, expYear: 2040 },
    amount: 1250,
    currency: 'EUR',
  });
  const recorded = (key: string) =>
    db.store.all('SELECT kind, outcome FROM sandbox_operations WHERE key = ?', [key]);

  it('decides by card, and answers a repeated key with its first outcome, recorded once', async () => {
    const network = sandboxProcessor({ store: db.store });
    expect(await network.charge(op('charge-ok', FR_CARD))).toMatchObject({
      ok: true,
      reference: 'sbx_charge-ok',
    });
    expect(await network.charge(op('charge-no', DECLINED_CARD))).toEqual({
      ok: false,
      code: 'card_declined',
    });
    // The same keys again, even with other cards: what was decided first stands.
    const again = await Promise.all([
      network.charge(op('charge-ok', DECLINED_CARD)),
      network.charge(op('charge-no', FR_CARD)),
    ]);
    expect(again.map((r) => r.ok)).toEqual([true, false]);
    expect(await recorded('charge-ok')).toEqual([{ kind: 'charge', outcome: 'approved' }]);
    expect(await recorded('charge-no')).toEqual([{ kind: 'charge', outcome: 'card_declined' }]);
  });
});
