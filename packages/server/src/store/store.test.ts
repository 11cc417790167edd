import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';
import { migrations } from './migrations.js';
import type { Sql } from './store.js';

describe.each(await storeKinds())('the %s store', (kind) => {
  let db: TestStore;
  beforeAll(async () => {
    db = await openTestStore(kind);
  });
  afterAll(() => db.cleanup());

  it('applies every migration once, and again is a no-op', async () => {
    expect(await db.store.migrate()).toEqual([]);
    const rows = await db.store.all<{ version: number }>(
      'SELECT version FROM settle_migrations ORDER BY version',
    );
    expect(rows.map((r) => r.version)).toEqual(
      migrations.map((m) => m.version).sort((a, b) => a - b),
    );
  });

  it('commits all of a transaction or nothing', async () => {
    const insert = (tx: typeof db.store, id: string) =>
      tx.run('INSERT INTO dev_sms_outbox (id, phone, body, created_at) VALUES (?, ?, ?, ?)', [
        id,
        '+1',
        'x',
        1,
      ]);
    await expect(
      db.store.transaction(async (tx) => {
        await insert(tx as typeof db.store, 'tx-a');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(
      await db.store.get('SELECT id FROM dev_sms_outbox WHERE id = ?', ['tx-a']),
    ).toBeUndefined();
    await db.store.transaction((tx) => insert(tx as typeof db.store, 'tx-b'));
    expect(await db.store.get('SELECT id FROM dev_sms_outbox WHERE id = ?', ['tx-b'])).toEqual({
      id: 'tx-b',
    });
  });

  it('gives each of many concurrent transactions its own outcome', async () => {
    const insert = (tx: Sql, id: string) =>
      tx.run('INSERT INTO dev_sms_outbox (id, phone, body, created_at) VALUES (?, ?, ?, ?)', [
        id,
        '+1',
        'x',
        1,
      ]);
    // Group commit may put these in one database transaction: the failing ones must still
    // roll back alone, and every other one must commit.
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) =>
        db.store.transaction(async (tx) => {
          await insert(tx, `many-${i}`);
          if (i % 7 === 0) throw new Error(`fail ${i}`);
          await insert(tx, `many-${i}-b`);
          return i;
        }),
      ),
    );
    results.forEach((r, i) => {
      if (i % 7 === 0)
        expect(r).toMatchObject({ status: 'rejected', reason: { message: `fail ${i}` } });
      else expect(r).toEqual({ status: 'fulfilled', value: i });
    });
    const rows = await db.store.all<{ id: string }>(
      "SELECT id FROM dev_sms_outbox WHERE id LIKE 'many-%'",
    );
    const ids = new Set(rows.map((r) => r.id));
    for (let i = 0; i < 100; i++) {
      expect(ids.has(`many-${i}`)).toBe(i % 7 !== 0);
      expect(ids.has(`many-${i}-b`)).toBe(i % 7 !== 0);
    }
  });

  it('keeps integers as numbers', async () => {
    await db.store.run(
      `INSERT INTO accounts (user_id, status, pin_failures, created_at, updated_at) VALUES (?, 'new', 0, ?, ?)`,
      ['big', 9_007_199_254_740_991, 1],
    );
    const row = await db.store.get<{ created_at: number }>(
      'SELECT created_at FROM accounts WHERE user_id = ?',
      ['big'],
    );
    expect(row?.created_at).toBe(9_007_199_254_740_991);
  });

  it('serialises check-then-write transactions on the same lock', async () => {
    await db.store.run(
      `INSERT INTO accounts (user_id, status, pin_failures, created_at, updated_at) VALUES ('counter', 'new', 0, 0, 0)`,
    );
    // Each transaction reads, waits, then writes read + 1: without the lock, updates are lost.
    await Promise.all(
      Array.from({ length: 10 }, () =>
        db.store.transaction(async (tx) => {
          await tx.lock('counter');
          const row = await tx.get<{ pin_failures: number }>(
            `SELECT pin_failures FROM accounts WHERE user_id = 'counter'`,
          );
          await new Promise((r) => setTimeout(r, 5));
          await tx.run(`UPDATE accounts SET pin_failures = ? WHERE user_id = 'counter'`, [
            (row?.pin_failures ?? 0) + 1,
          ]);
        }),
      ),
    );
    const row = await db.store.get<{ pin_failures: number }>(
      `SELECT pin_failures FROM accounts WHERE user_id = 'counter'`,
    );
    expect(row?.pin_failures).toBe(10);
  });

  it('delivers notifications at commit, never after a rollback', async () => {
    const received: string[] = [];
    const unlisten = await db.store.listen('test_channel', (payload) => received.push(payload));
    const arrived = waitFor(() => received.includes('committed'));
    await expect(
      db.store.transaction(async (tx) => {
        await tx.notify('test_channel', 'rolled-back');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await db.store.transaction(async (tx) => {
      await tx.notify('test_channel', 'committed');
      // Not before the commit.
      await new Promise((r) => setTimeout(r, 20));
      expect(received).toEqual([]);
    });
    await arrived;
    await unlisten();
    await db.store.notify('test_channel', 'after-unlisten');
    await new Promise((r) => setTimeout(r, 50));
    expect(received).toEqual(['committed']);
  });

  // Registered for PostgreSQL only: SQLite notifications stay in their process.
  if (kind === 'postgres') {
    it('delivers notifications to every process sharing the database, not to other schemas', async () => {
      const other = await db.openAgain();
      const elsewhere = await openTestStore('postgres');
      try {
        const here: string[] = [];
        const there: string[] = [];
        const stopHere = await other.listen('test_channel', (payload) => here.push(payload));
        const stopThere = await elsewhere.store.listen('test_channel', (p) => there.push(p));
        await db.store.transaction((tx) => tx.notify('test_channel', 'hello'));
        await waitFor(() => here.includes('hello'));
        await new Promise((r) => setTimeout(r, 50));
        expect(there).toEqual([]);
        await stopHere();
        await stopThere();
      } finally {
        await other.close();
        await elsewhere.cleanup();
      }
    });

    it('listens again after losing its connection', async () => {
      const received: string[] = [];
      const unlisten = await db.store.listen('test_reconnect', (p) => received.push(p));
      const admin = await db.openAgain();
      try {
        const killed = await admin.all(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE ?`,
          ['LISTEN "settle_test_%.test_reconnect"'],
        );
        expect(killed).toHaveLength(1);
        // Notifications sent while it reconnects are lost: keep sending until one arrives.
        for (let i = 0; i < 50 && received.length === 0; i++) {
          await admin.notify('test_reconnect', `try ${i}`);
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(received.length).toBeGreaterThan(0);
      } finally {
        await unlisten();
        await admin.close();
      }
    });
  }
});

/** Resolves when `check` holds, checking every 5 ms for up to 2 s. */
async function waitFor(check: () => boolean) {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error('timed out');
}
