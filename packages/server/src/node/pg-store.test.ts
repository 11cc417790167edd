import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../testing/platform.js';
import { openTestStore, pgUrl, storeKinds, type TestStore } from '../testing/stores.js';
import { openPgStore } from './pg-store.js';

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

describe('the API when PostgreSQL does not answer', () => {
  it('answers 503 store_unavailable with Retry-After, not 500, and logs no stack', async () => {
    // Nothing listens on port 1: every connection is refused, as while PostgreSQL is down.
    const store = await openPgStore({ connectionString: 'postgres://settle@127.0.0.1:1/settle' });
    try {
      const t = await testApp(store);
      for (const [method, path, body] of [
        ['GET', '/v1/account', undefined],
        ['POST', '/v1/transfers', { recipientId: 'bob', amount: { value: 100, currency: 'EUR' } }],
      ] as const) {
        const res = await (method === 'GET'
          ? t.call('alice', method, path)
          : t.pay('alice', path, body));
        expect(res.status).toBe(503);
        expect(res.body.error).toMatchObject({ type: 'api_error', code: 'store_unavailable' });
        expect(res.headers.get('retry-after')).toBe('1');
      }
      expect(t.logs.some((line) => line.includes('"stack"'))).toBe(false);
      expect(t.logs.some((line) => line.includes('"event":"store.unavailable"'))).toBe(true);
    } finally {
      await store.close();
    }
  });
});
