import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';

describe.each(await storeKinds())('migrations on the %s store', (kind) => {
  let db: TestStore;
  beforeAll(async () => {
    db = await openTestStore(kind);
  });
  afterAll(() => db.cleanup());

  it('dates holds approved before version 9 from their flag’s approval', async () => {
    // The database as version 8 left it.
    await db.store.run('DROP INDEX transfers_sender_approved');
    await db.store.run('ALTER TABLE transfers DROP COLUMN approved_at');
    await db.store.run('DELETE FROM settle_migrations WHERE version = 9');
    const transfer = (id: string, review: number) =>
      db.store.run(
        `INSERT INTO transfers (id, sender_id, recipient_id, amount, currency, status, step, review,
         sca, sender_card_id, created_at, updated_at)
         VALUES (?, 'alice', 'bob', 100, 'EUR', 'completed', 'done', ?, 'pin', 'card', 1000, 9000)`,
        [id, review],
      );
    const flag = (id: string, transferId: string, status: string, resolvedAt: number | null) =>
      db.store.run(
        `INSERT INTO risk_flags (id, user_id, transfer_id, rule, outcome, status, created_at, resolved_at)
         VALUES (?, 'alice', ?, 'velocity', 'review', ?, 1000, ?)`,
        [id, transferId, status, resolvedAt],
      );
    await transfer('tr_approved', 1);
    await flag('fl_approved', 'tr_approved', 'approved', 5000);
    await transfer('tr_open', 1);
    await flag('fl_open', 'tr_open', 'open', null);
    await transfer('tr_plain', 0);

    expect(await db.store.migrate()).toEqual([9]);
    const rows = await db.store.all<{ id: string; approved_at: number | null }>(
      'SELECT id, approved_at FROM transfers ORDER BY id',
    );
    expect(rows).toEqual([
      { id: 'tr_approved', approved_at: 5000 },
      { id: 'tr_open', approved_at: null },
      { id: 'tr_plain', approved_at: null },
    ]);
  });
});
