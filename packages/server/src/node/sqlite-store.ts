import { type FileHandle, open } from 'node:fs/promises';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { createListeners } from '../store/listeners.js';
import { applyMigrations, createMigrationsTable } from '../store/migrations.js';
import type { Sql, SqlValue, Store } from '../store/store.js';
import { createCheckpointer } from './sqlite-checkpointer.js';

/** Transactions per group commit: enough to amortise the fsync, few enough to stay fair. */
const MAX_BATCH = 64;

const isRead = (sql: string) => /^\s*(SELECT|WITH)\b/i.test(sql) && !/\bRETURNING\b/i.test(sql);

type Statement = ReturnType<DatabaseSync['prepare']>;

/**
 * Makes the rows of `statement` plain objects, one shape per statement. `node:sqlite` builds
 * each row in C++ as a dictionary-mode object, new names included: slower to make, to read
 * and to spread than rows built here from arrays. Node before 22.16 keeps its own rows.
 */
function rowsOf(statement: Statement): ((values: unknown) => unknown) | undefined {
  if (typeof statement.setReturnArrays !== 'function') return undefined;
  statement.setReturnArrays(true);
  const names = statement.columns().map((column) => column.name);
  return (values) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) row[names[i] as string] = (values as unknown[])[i];
    return row;
  };
}

/** A statement cache and the three calls of `Sql` on one `node:sqlite` connection. */
function connection(db: DatabaseSync) {
  const statements = new Map<
    string,
    { statement: Statement; toRow?: (values: unknown) => unknown }
  >();
  const prepare = (sql: string) => {
    let entry = statements.get(sql);
    if (!entry) {
      const statement = db.prepare(sql);
      entry = { statement, toRow: rowsOf(statement) };
      statements.set(sql, entry);
    }
    return entry;
  };
  const args = (params: SqlValue[]) => params as SQLInputValue[];
  return {
    async all<T>(sql: string, params: SqlValue[] = []) {
      const { statement, toRow } = prepare(sql);
      const rows = statement.all(...args(params));
      return (toRow ? rows.map(toRow) : rows) as T[];
    },
    async get<T>(sql: string, params: SqlValue[] = []) {
      const { statement, toRow } = prepare(sql);
      const row = statement.get(...args(params));
      return (toRow && row ? toRow(row) : row) as T | undefined;
    },
    async run(sql: string, params: SqlValue[] = []) {
      const result = prepare(sql).statement.run(...args(params));
      return { changes: Number(result.changes) };
    },
  };
}

/**
 * The embedded store on `node:sqlite`, in WAL mode: a write is on disk before it is
 * acknowledged and survives a crash of the process or the machine.
 *
 * Writes go through one connection with group commit: transactions that arrive while a
 * batch runs wait for the next, which runs them one after another, each in its own
 * savepoint, under one COMMIT. A failing transaction rolls back to its savepoint alone.
 * The COMMIT writes the WAL; its `fdatasync` (what `synchronous=FULL` would do inside the
 * COMMIT, blocking the event loop) runs on libuv's thread pool while the next batch
 * executes, and each caller learns its outcome only after the sync that makes it durable.
 * Reads outside a transaction use a second connection, which WAL lets see the last
 * committed state without waiting for the writer.
 *
 * @example
 * const store = await openSqliteStore('.settle/settle.db');
 */
export async function openSqliteStore(path: string): Promise<Store> {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL');
  // NORMAL: COMMIT writes the WAL without syncing it; `durable` below syncs it, off the
  // event loop, before anyone is told. Checkpoints still sync the WAL and the database.
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec('PRAGMA foreign_keys = ON');
  // Each transaction of a group commit runs in a savepoint, whose undo journal spilled to a
  // temporary file past 64 kB: about a hundred small writes per transfer. It only rolls back a
  // failed transaction within its batch (a crash is recovered from the WAL), so it can live in
  // memory, as can the temporary tables of sorts.
  db.exec('PRAGMA temp_store = MEMORY');
  // Checkpoints run on a worker (sqlite-checkpointer.ts); the writer checkpoints itself
  // only if the WAL ever reaches 40 MB.
  db.exec('PRAGMA wal_autocheckpoint = 10000');
  const checkpointer = createCheckpointer(path);
  const writer = connection(db);
  const readDb = new DatabaseSync(path);
  readDb.exec('PRAGMA busy_timeout = 5000');
  readDb.exec('PRAGMA query_only = ON');
  const reader = connection(readDb);

  const listeners = createListeners();

  // The WAL file exists once the first write has committed; it is kept (never unlinked)
  // while the connection is open, even when a checkpoint restarts it.
  let wal: Promise<FileHandle> | undefined;
  const durable = async () => {
    wal ??= open(`${path}-wal`, 'r');
    await (await wal).datasync();
  };
  // Acknowledgements go out in commit order, each after the sync that covers its batch.
  let acknowledged: Promise<void> = Promise.resolve();

  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const result = queue.then(fn);
    queue = result.catch(() => undefined);
    return result;
  };

  type Waiting = {
    fn: (tx: Sql) => Promise<unknown>;
    done: (error: unknown, value?: unknown) => void;
  };
  const waiting: Waiting[] = [];
  let scheduled = false;

  async function runBatch() {
    const batch = waiting.splice(0, MAX_BATCH);
    const outcomes: Array<{ error?: unknown; value?: unknown; failed: boolean }> = [];
    const notifications: Array<[string, string]> = [];
    db.exec('BEGIN IMMEDIATE');
    try {
      for (const item of batch) {
        const mine: Array<[string, string]> = [];
        const tx: Sql = {
          ...writer,
          // BEGIN IMMEDIATE already excludes every other writer, in this process and others.
          async lock() {},
          async notify(channel, payload) {
            mine.push([channel, payload]);
          },
        };
        db.exec('SAVEPOINT tx');
        try {
          const value = await item.fn(tx);
          db.exec('RELEASE tx');
          outcomes.push({ value, failed: false });
          notifications.push(...mine);
        } catch (error) {
          db.exec('ROLLBACK TO tx');
          db.exec('RELEASE tx');
          outcomes.push({ error, failed: true });
        }
      }
      db.exec('COMMIT');
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      for (const item of batch) item.done(error);
      return;
    }
    checkpointer.committed();
    // Settles now (no unhandled rejection) with the error, if any, for the turn below.
    const syncFailure = durable().then(
      () => undefined,
      (error: unknown) => error ?? new Error('fdatasync failed'),
    );
    acknowledged = acknowledged.then(async () => {
      const error = await syncFailure;
      if (error !== undefined) {
        // Committed but perhaps not on disk: nobody may rely on it.
        for (const item of batch) item.done(error);
        return;
      }
      for (const [channel, payload] of notifications) listeners.deliver(channel, payload);
      batch.forEach((item, i) => {
        const outcome = outcomes[i] as (typeof outcomes)[number];
        item.done(outcome.failed ? outcome.error : undefined, outcome.value);
      });
    });
  }

  // A batch starts on the next turn of the event loop, not in a microtask: I/O callbacks
  // (requests, crypto) run first and queue their transactions, so batches fill up.
  function schedule() {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() =>
      exclusive(async () => {
        scheduled = false;
        await runBatch();
        if (waiting.length > 0) schedule();
      }),
    );
  }

  const transaction = <T>(fn: (tx: Sql) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      waiting.push({
        fn,
        done: (error, value) => (error === undefined ? resolve(value as T) : reject(error)),
      });
      schedule();
    });

  // Statements outside a transaction: reads from the reader, writes as one-statement
  // transactions, so they share group commits and never land inside someone else's.
  const store: Store = {
    dialect: 'sqlite',
    all: (sql, params) =>
      isRead(sql) ? reader.all(sql, params) : transaction((tx) => tx.all(sql, params)),
    get: (sql, params) =>
      isRead(sql) ? reader.get(sql, params) : transaction((tx) => tx.get(sql, params)),
    run: (sql, params) => transaction((tx) => tx.run(sql, params)),
    lock: async () => {},
    async notify(channel, payload) {
      listeners.deliver(channel, payload);
    },
    listen: async (channel, onMessage) => listeners.add(channel, onMessage),
    transaction,
    async migrate() {
      return transaction(async (tx) => {
        db.exec(createMigrationsTable);
        return applyMigrations(tx);
      });
    },
    async close() {
      while (waiting.length > 0 || scheduled) await queue;
      await queue;
      await acknowledged;
      await (await wal)?.close();
      await checkpointer.close();
      readDb.close();
      db.close();
    },
  };
  return store;
}
