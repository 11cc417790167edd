import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, pgUrl, storeKinds, type TestStore } from '../testing/stores.js';

const kinds = (await storeKinds()).filter((kind) => kind === 'postgres');

/** Ends the backend of `pid`, as a PostgreSQL restart or an operator's kill does. */
async function terminate(pid: number) {
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  try {
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
  } finally {
    await admin.end();
  }
}

describe.skipIf(kinds.length === 0)('the PostgreSQL store when connections are lost', () => {
  let db: TestStore;
  beforeAll(async () => {
    db = await openTestStore('postgres');
  });
  afterAll(() => db.cleanup());

  it('fails a transaction whose connection ends between statements, and goes on', async () => {
    const crashes: unknown[] = [];
    const onUncaught = (error: unknown) => crashes.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const outcome = db.store.transaction(async (tx) => {
        const row = await tx.get<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        // The backend goes away while the transaction does something else than a query:
        // PostgreSQL says so at once, and nobody is waiting on that connection.
        await terminate(Number(row?.pid));
        await new Promise((resolve) => setTimeout(resolve, 300));
        return tx.get('SELECT 1 AS one');
      });
      await expect(outcome).rejects.toThrow();
      expect(crashes).toEqual([]);
      expect(await db.store.get('SELECT 1 AS one')).toEqual({ one: 1 });
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
