import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';
import { recordEvent } from './events.js';

describe.each(await storeKinds())('recording events on the %s store', (kind) => {
  let db: TestStore;
  beforeAll(async () => {
    db = await openTestStore(kind);
  });
  afterAll(() => db.cleanup());

  const seqs = async (userId: string) =>
    (
      await db.store.all<{ seq: number }>('SELECT seq FROM events WHERE user_id = ? ORDER BY seq', [
        userId,
      ])
    ).map((r) => r.seq);

  it('writes one row per user, each user counting from 1, and one webhook message', async () => {
    const id = await db.store.transaction((tx) =>
      recordEvent(
        tx,
        { type: 'transfer.updated', userIds: ['ana', 'ben', 'ana'], data: { amount: 1 } },
        1_700_000_000_000,
      ),
    );
    expect(id).toMatch(/^ev_[0-9A-HJKMNP-TV-Z]{26}$/);
    const rows = await db.store.all(
      'SELECT user_id, seq, id, type, data FROM events WHERE id = ?',
      [id],
    );
    expect(rows).toEqual([
      { user_id: 'ana', seq: 1, id, type: 'transfer.updated', data: '{"amount":1}' },
      { user_id: 'ben', seq: 1, id, type: 'transfer.updated', data: '{"amount":1}' },
    ]);
    const outbox = await db.store.get<{ payload: string }>(
      'SELECT payload FROM webhook_outbox WHERE id = ?',
      [id],
    );
    expect(JSON.parse(outbox?.payload as string)).toEqual({
      id,
      type: 'transfer.updated',
      createdAt: '2023-11-14T22:13:20.000Z',
      data: { amount: 1 },
    });
  });

  it('leaves no event and no webhook message when the transaction rolls back', async () => {
    let id = '';
    await expect(
      db.store.transaction(async (tx) => {
        id = await recordEvent(tx, { type: 'account.updated', userIds: ['cleo'], data: {} }, 1);
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    expect(await db.store.all('SELECT id FROM events WHERE id = ?', [id])).toEqual([]);
    expect(await db.store.all('SELECT id FROM webhook_outbox WHERE id = ?', [id])).toEqual([]);
    // The rolled-back number is not skipped.
    await db.store.transaction((tx) =>
      recordEvent(tx, { type: 'account.updated', userIds: ['cleo'], data: {} }, 1),
    );
    expect(await seqs('cleo')).toEqual([1]);
  });

  it('numbers each user’s events without gaps under concurrent writers', async () => {
    const users = ['u1', 'u2', 'u3'];
    // 60 transactions at once, each for two users in either order, some rolled back.
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        db.store.transaction(async (tx) => {
          const pair = [users[i % 3], users[(i + 1 + (i % 2)) % 3]] as string[];
          await recordEvent(tx, { type: 'transfer.updated', userIds: pair, data: { i } }, i);
          await new Promise((r) => setTimeout(r, i % 3));
          if (i % 7 === 0) throw new Error('rolled back');
        }),
      ),
    );
    const committed = results.filter((r) => r.status === 'fulfilled').length;
    expect(committed).toBe(60 - 9);
    let total = 0;
    for (const user of users) {
      const list = await seqs(user);
      expect(list).toEqual(list.map((_, i) => i + 1));
      total += list.length;
    }
    expect(total).toBe(committed * 2);
  });
});
