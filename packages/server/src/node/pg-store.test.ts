import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../store/store.js';
import { pgRelay } from '../testing/pg-relay.js';
import { testApp } from '../testing/platform.js';
import { openTestStore, pgUrl, storeKinds, type TestStore } from '../testing/stores.js';
import { openPgStore, PG_TIMEOUTS } from './pg-store.js';

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

  it('listens again when its connection goes silent, as after a failover', async () => {
    const relay = await pgRelay();
    const schema = `settle_test_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const store = await openPgStore({
      connectionString: relay.url,
      schema,
      listenerHeartbeatMs: 200,
    });
    const direct = await openPgStore({ connectionString: pgUrl, schema });
    try {
      const received: string[] = [];
      const unlisten = await store.listen('test_silent', (payload) => received.push(payload));
      relay.failover();
      // Without a check of its own, the listening connection waits for TCP keepalive: hours.
      for (let i = 0; i < 50 && received.length === 0; i++) {
        await direct.notify('test_silent', `try ${i}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(received.length).toBeGreaterThan(0);
      await unlisten();
    } finally {
      // Cut first: a silenced connection would never answer the pool's goodbye.
      relay.close();
      await store.close().catch(() => undefined);
      await direct.run(`DROP SCHEMA ${schema} CASCADE`);
      await direct.close();
    }
  }, 15_000);
});

describe.skipIf(kinds.length === 0)('the PostgreSQL store: waits are bounded', () => {
  let db: TestStore;
  beforeAll(async () => {
    db = await openTestStore('postgres');
  });
  afterAll(() => db.cleanup());

  /** `fn`'s rejection and how long it took. */
  async function timed(fn: () => Promise<unknown>) {
    const start = performance.now();
    const error = await fn().then(
      () => undefined,
      (e: unknown) => e,
    );
    return { error, ms: performance.now() - start };
  }

  it('has bounds by default', () => {
    expect(PG_TIMEOUTS.connectionTimeoutMs).toBeGreaterThan(0);
    expect(PG_TIMEOUTS.statementTimeoutMs).toBeGreaterThan(0);
    expect(PG_TIMEOUTS.lockTimeoutMs).toBeGreaterThan(0);
  });

  it('gives up waiting for a connection when every one of the pool is busy', async () => {
    const store = await openPgStore({ connectionString: pgUrl, max: 1, connectionTimeoutMs: 300 });
    let release = () => {};
    const held = store.transaction(
      (tx) =>
        new Promise<void>((resolve) => {
          release = resolve;
          void tx.get('SELECT 1');
        }),
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const { error, ms } = await timed(() => store.get('SELECT 1 AS one'));
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(ms).toBeLessThan(2000);
    } finally {
      release();
      await held;
      await store.close();
    }
  });

  it('gives up waiting for a lock another transaction holds', async () => {
    const other = await db.openAgain();
    const store = await openPgStore({ connectionString: pgUrl, lockTimeoutMs: 200 });
    let release = () => {};
    let locked = () => {};
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const held = other.transaction(async (tx) => {
      await tx.lock('sender:stuck');
      locked();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    try {
      await isLocked;
      const { error, ms } = await timed(() => store.transaction((tx) => tx.lock('sender:stuck')));
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(ms).toBeLessThan(2000);
    } finally {
      release();
      await held;
      await Promise.all([store.close(), other.close()]);
    }
  });

  it('cancels a statement that runs too long', async () => {
    const store = await openPgStore({ connectionString: pgUrl, statementTimeoutMs: 200 });
    try {
      const { error, ms } = await timed(() => store.get('SELECT pg_sleep(2)'));
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(ms).toBeLessThan(1500);
      expect(await store.get('SELECT 1 AS one')).toEqual({ one: 1 });
    } finally {
      await store.close();
    }
  });
});

describe.skipIf(kinds.length === 0)('the PostgreSQL store in pg_stat_activity', () => {
  it('names its connections settle, and settle listen, unless the URL or PGAPPNAME names them', async () => {
    const db = await openTestStore('postgres');
    const url = new URL(pgUrl);
    url.searchParams.set('application_name', 'shop-settle');
    const named = await openPgStore({ connectionString: url.href });
    const stop = await db.store.listen('named', () => undefined);
    try {
      const name = async (store: typeof db.store) =>
        (
          await store.get<{ name: string }>('SELECT current_setting($1) AS name', [
            'application_name',
          ])
        )?.name;
      expect(await name(db.store)).toBe('settle');
      expect(await name(named)).toBe('shop-settle');
      // pg reads it as each connection opens.
      process.env.PGAPPNAME = 'ops-settle';
      const byEnv = await openPgStore({ connectionString: pgUrl });
      try {
        expect(await name(byEnv)).toBe('ops-settle');
      } finally {
        delete process.env.PGAPPNAME;
        await byEnv.close();
      }
      const listening = await db.store.get<{ n: number }>(
        `SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE application_name = 'settle listen'`,
      );
      expect(listening?.n).toBeGreaterThan(0);
    } finally {
      await stop();
      await named.close();
      await db.cleanup();
    }
  });
});

describe.skipIf(kinds.length === 0)('the PostgreSQL store at the start of processes', () => {
  it('lets several processes start at once on a new schema, and migrates it once', async () => {
    const schema = `settle_test_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
    // One process is creating the schema (not committed yet) when the others start.
    const first = new pg.Client({ connectionString: pgUrl });
    await first.connect();
    await first.query('BEGIN');
    await first.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', ['settle:schema']);
    await first.query(`CREATE SCHEMA ${schema}`);
    const opening = Array.from({ length: 3 }, () =>
      openPgStore({ connectionString: pgUrl, schema }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    await first.query('COMMIT');
    const stores = await Promise.all(opening);
    try {
      const applied = await Promise.all(stores.map((store) => store.migrate()));
      expect(applied.filter((versions) => versions.length > 0)).toHaveLength(1);
      expect(await stores[0]?.get('SELECT COUNT(*) AS n FROM settle_migrations')).toEqual({
        n: applied.flat().length,
      });
    } finally {
      await Promise.all(stores.map((store) => store.close()));
      await first.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await first.end();
    }
  });
});

it('refuses a connection string of key=value pairs without showing its password', async () => {
  // libpq's form, which pg does not read: it took it for a database name on the host "base".
  const keywords = 'host=127.0.0.1 port=1 user=settle password=hunter2 dbname=settle';
  const error = await openPgStore({ connectionString: keywords })
    .then((store) => store.migrate().finally(() => store.close()))
    .then(
      () => undefined,
      (e: Error) => e,
    );
  expect(error?.message).toBe(
    'DATABASE_URL must be a URL, postgres://user:password@host:5432/database (not key=value pairs).',
  );
  expect(String((error?.cause as Error | undefined)?.message)).not.toContain('hunter2');
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
