import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPgStore } from '../node/pg-store.js';
import { openSqliteStore } from '../node/sqlite-store.js';
import { type Store, StoreUnavailableError } from '../store/store.js';

export type StoreKind = 'sqlite' | 'postgres';

export const pgUrl =
  process.env.SETTLE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let pgReachable: Promise<boolean> | undefined;

/**
 * The stores the contract tests run on: SQLite always, PostgreSQL when reachable. In CI
 * PostgreSQL is required; elsewhere its absence is reported with how to run that half.
 */
export async function storeKinds(): Promise<StoreKind[]> {
  pgReachable ??= (async () => {
    const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.end();
      return true;
    } catch (error) {
      if (process.env.CI) throw new Error(`PostgreSQL is required in CI, at ${pgUrl}: ${error}`);
      console.warn(
        `PostgreSQL not reachable at ${pgUrl}: its half of the store tests did not run. Start it ` +
          '(pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set ' +
          'SETTLE_TEST_DATABASE_URL, then run npm test again.',
      );
      return false;
    }
  })();
  return (await pgReachable) ? ['sqlite', 'postgres'] : ['sqlite'];
}

export interface TestStore {
  store: Store;
  /** The SQLite file, for tests that read what is on disk. */
  path?: string;
  /** Another store on the same database, as a second server process opens it; close it. */
  openAgain(): Promise<Store>;
  cleanup(): Promise<void>;
}

/** A fresh, migrated store: a temporary SQLite file, or a PostgreSQL schema of its own. */
export async function openTestStore(kind: StoreKind): Promise<TestStore> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'settle-test-'));
    const path = join(dir, 'settle.db');
    const store = await openSqliteStore(path);
    await store.migrate();
    return {
      store,
      path,
      openAgain: () => openSqliteStore(path),
      async cleanup() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `settle_test_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const store = await openPgStore({ connectionString: pgUrl, schema, max: 20 });
  await store.migrate();
  return {
    store,
    openAgain: () => openPgStore({ connectionString: pgUrl, schema, max: 20 }),
    async cleanup() {
      await store.close();
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
}

/** `store` until `gate.down`; then every statement fails as PostgreSQL's do while it is down. */
export function gated(store: Store, gate: { down: boolean }): Store {
  const statements = new Set(['all', 'get', 'run', 'lock', 'notify', 'transaction']);
  return new Proxy(store, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        gate.down && statements.has(key as string)
          ? Promise.reject(new StoreUnavailableError('connection lost'))
          : value.apply(target, args);
    },
  });
}
