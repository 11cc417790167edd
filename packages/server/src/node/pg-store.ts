import pg from 'pg';
import { parse } from 'pg-connection-string';
import { applyMigrations, createMigrationsTable } from '../store/migrations.js';
import { type Sql, type SqlValue, type Store, StoreUnavailableError } from '../store/store.js';
import { appName, pgListener } from './pg-listener.js';

export interface PgStoreOptions {
  connectionString: string;
  /** A schema to use instead of `public` (created if missing), e.g. one per test run. */
  schema?: string;
  max?: number;
  /** How long a query waits for a connection of the pool (all busy) or a new one. */
  connectionTimeoutMs?: number;
  /** How long one statement may run (PostgreSQL's statement_timeout). */
  statementTimeoutMs?: number;
  /** How long a statement may wait for a lock (lock_timeout), an advisory lock included. */
  lockTimeoutMs?: number;
  /**
   * How long the store waits for PostgreSQL's answer to a statement before it takes the
   * server for gone and closes the connection (default: statementTimeoutMs + 5 s).
   */
  queryTimeoutMs?: number;
  /**
   * How often the connection that listens for notifications is checked, and how long it has
   * to answer before it is made again (default 5 s).
   */
  listenerHeartbeatMs?: number;
}

/**
 * Bounded waits: a request never hangs on a saturated pool, a lock held by a stuck
 * transaction, a runaway statement or a server that stopped answering (a network cut, a
 * failover: no FIN, no RST, and TCP gives up only after about 15 minutes); it gets 503
 * store_unavailable instead. A transaction left open (its process frozen, its client cut
 * off) is ended after a minute, freeing its locks.
 */
export const PG_TIMEOUTS = {
  connectionTimeoutMs: 5_000,
  statementTimeoutMs: 15_000,
  lockTimeoutMs: 5_000,
  idleInTransactionMs: 60_000,
  /** Added to statement_timeout: a live server answers within it, even to cancel. */
  queryTimeoutMarginMs: 5_000,
  /** Idle this long, a connection is probed by TCP keepalive (10 probes, 1 s apart). */
  keepAliveIdleMs: 10_000,
};

// BIGINT (oid 20) columns hold ms timestamps and minor units, all below 2^53.
const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text'),
};

/** `?` placeholders (written once for both stores) to PostgreSQL's `$1, $2...`. */
const placeholders = new Map<string, string>();
function toPg(sql: string): string {
  let text = placeholders.get(sql);
  if (text === undefined) {
    let n = 0;
    text = sql.replace(/\?/g, () => `$${++n}`);
    placeholders.set(sql, text);
  }
  return text;
}

// Serialization failures and deadlocks are safe to retry: the transaction did nothing.
const RETRYABLE = new Set(['40001', '40P01']);

// Network errors of the connection, and SQLSTATEs that say the server, not the statement,
// is the problem: connection exceptions (class 08), shutdowns and start-ups (57P01-57P03),
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
// too many connections (53300); and the bounded waits: statement_timeout (57014), lock_timeout
// (55P03), idle_in_transaction_session_timeout (25P03).
const UNAVAILABLE = /^(08...|57P0[123]|53300|57014|55P03|25P03)$/;
// What pg and its pool throw, without a code, when a connection ends or cannot be had.
// ('timeout expired': a pg.Client's connectionTimeoutMillis.)
const DRIVER =
  /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|timeout expired)/;
// What pg throws when a statement's answer did not come within query_timeout.
const QUERY_TIMEOUT = 'Query read timeout';

/** The error to throw for `error`: a StoreUnavailableError when the database did not answer. */
export function classifyPgError(error: unknown): unknown {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (NETWORK.has(code) || UNAVAILABLE.test(code))) {
    return new StoreUnavailableError(code, { cause: error });
  }
  if (message === QUERY_TIMEOUT) return new StoreUnavailableError('no_answer', { cause: error });
  if (typeof message === 'string' && DRIVER.test(message)) {
    return new StoreUnavailableError('connection', { cause: error });
  }
  return error;
}

/** Where a connection string leads, for messages: host, port and database, never the password. */
export function pgTarget(connectionString: string): string {
  const { host, port, database } = parse(connectionString);
  return `${host || 'localhost'}:${port || 5432}${database ? ` (database ${database})` : ''}`;
}

/** Whether the server of `error`'s connection may be gone: ask that connection nothing more. */
const unanswered = (error: unknown) =>
  error instanceof StoreUnavailableError && error.reason === 'no_answer';

/** Runs a statement on a connection. */
type Query = (text: string, params: SqlValue[]) => Promise<pg.QueryResult>;

function executor(run: Query, channel: (name: string) => string): Sql {
  return {
    async all<T>(sql: string, params: SqlValue[] = []) {
      return (await run(toPg(sql), params)).rows as T[];
    },
    async get<T>(sql: string, params: SqlValue[] = []) {
      return (await run(toPg(sql), params)).rows[0] as T | undefined;
    },
    async run(sql: string, params: SqlValue[] = []) {
      return { changes: (await run(toPg(sql), params)).rowCount ?? 0 };
    },
    async lock(key: string) {
      await run('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
    },
    // NOTIFY inside a transaction is delivered at commit, and dropped by a rollback.
    async notify(name: string, payload: string) {
      await run('SELECT pg_notify($1, $2)', [channel(name), payload]);
    },
  };
}

/**
 * The production store on PostgreSQL. Several server processes can share it: locks and
 * counters live in the database.
 *
 * @example
 * const store = await openPgStore({ connectionString: process.env.DATABASE_URL });
 */
export async function openPgStore(options: PgStoreOptions): Promise<Store> {
  const { schema } = options;
  // pg reads URLs only: libpq's `host=… password=…` would be taken for a database name on the
  // host "base", and every message naming the database would show the password.
  if (!/^([a-z][a-z0-9+.-]*:|\/)/i.test(options.connectionString)) {
    throw new Error(
      'DATABASE_URL must be a URL, postgres://user:password@host:5432/database (not key=value pairs).',
    );
  }
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new Error(`Invalid schema name: ${schema}`);
  }
  const statementTimeoutMs = Math.trunc(
    options.statementTimeoutMs ?? PG_TIMEOUTS.statementTimeoutMs,
  );
  const queryTimeoutMs = Math.trunc(
    options.queryTimeoutMs ?? statementTimeoutMs + PG_TIMEOUTS.queryTimeoutMarginMs,
  );
  const connectionTimeoutMillis = options.connectionTimeoutMs ?? PG_TIMEOUTS.connectionTimeoutMs;
  /**
   * At start-up, a server that cannot be reached is named (never with the password), rather
   * than left to hang or to fail as a request would.
   */
  const unreachable = (error: unknown) => {
    const classified = classifyPgError(error);
    // Refused at the door (no such database or role, a wrong password, no SSL): where, too.
    const { code, message } = classified as { code?: unknown; message?: unknown };
    if (
      (typeof code === 'string' && (code.startsWith('28') || code === '3D000')) ||
      (code === undefined && typeof message === 'string' && /\bSSL\b/.test(message))
    ) {
      return new Error(
        `PostgreSQL at ${pgTarget(options.connectionString)} refused the connection`,
        { cause: classified },
      );
    }
    if (!(classified instanceof StoreUnavailableError)) return classified;
    const cause = classified.cause ?? error;
    return new Error(`Cannot reach PostgreSQL at ${pgTarget(options.connectionString)}`, { cause });
  };
  if (schema) {
    // Bounded as the pool's connections are: the first contact at start-up.
    const admin = new pg.Client({
      connectionString: options.connectionString,
      ...appName('settle'),
      connectionTimeoutMillis,
      query_timeout: queryTimeoutMs,
      keepAlive: true,
    });
    admin.on('error', () => undefined);
    try {
      await admin.connect();
      // IF NOT EXISTS does not hold when two processes start at once on a new schema (one
      // fails on pg_namespace's unique index): one at a time.
      await admin.query('BEGIN');
      await admin.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', ['settle:schema']);
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await admin.query('COMMIT');
    } catch (error) {
      throw unreachable(error);
    } finally {
      // Not awaited: closing a connection to a host that is gone waits for TCP to give up.
      admin.end().catch(() => undefined);
    }
  }
  // The session's bounds, by SET rather than startup parameters, which session poolers
  // (PgBouncer) refuse.
  const bounds = [
    `SET statement_timeout = ${statementTimeoutMs}`,
    `SET lock_timeout = ${Math.trunc(options.lockTimeoutMs ?? PG_TIMEOUTS.lockTimeoutMs)}`,
    `SET idle_in_transaction_session_timeout = ${PG_TIMEOUTS.idleInTransactionMs}`,
  ].join('; ');
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    ...appName('settle'),
    max: options.max ?? 10,
    types,
    connectionTimeoutMillis,
    // An idle connection whose peer vanished (no RST) is found out by TCP (Node probes every
    // second, 10 times, after this delay): ~20 s, not the system's default of 2 h. One
    // waiting for an answer, by query_timeout.
    keepAlive: true,
    keepAliveInitialDelayMillis: PG_TIMEOUTS.keepAliveIdleMs,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
    // Before the pool hands a new connection out.
    onConnect: async (client) => {
      client.on('error', () => undefined);
      // The pool's connectionTimeoutMillis ends once connected: this is bounded here.
      await client.query({ text: bounds, query_timeout: queryTimeoutMs } as pg.QueryConfig);
    },
  });
  // A client losing its connection must not crash the process: idle ones report it to the
  // pool, checked-out ones to no one (pg emits 'error' when no query is running, as between
  // a transaction's statements) but the listener onConnect adds; their next query fails, and
  // the pool drops them.
  pool.on('error', () => undefined);

  // When a connection goes unanswered, the server it leads to may be gone (a network cut, a
  // failover that left the old host unreachable), and so may those idle since: each would
  // hold the request that draws it for queryTimeoutMs, one after another. They are closed
  // when drawn instead, and another connection is drawn (a new one if none is left).
  let silentAt = 0;
  const idleSince = new WeakMap<pg.PoolClient, number>();
  pool.on('release', (_error, client) => idleSince.set(client, performance.now()));
  /** `error` as the store throws it, noting a connection that went unanswered. */
  const noted = (error: unknown) => {
    const classified = classifyPgError(error);
    if (unanswered(classified)) silentAt = performance.now();
    return classified;
  };
  async function acquire(): Promise<pg.PoolClient> {
    for (;;) {
      const client = await pool.connect().catch((error) => {
        throw noted(error);
      });
      if ((idleSince.get(client) ?? Number.POSITIVE_INFINITY) > silentAt) return client;
      // Not asked: its slot is free at once (its socket closes in the background).
      client.release(new Error('Idle since a connection went unanswered'));
    }
  }

  /**
   * Runs a statement, waiting at most `timeoutMs` (0: no bound) for its answer. pg then fails
   * the query; the connection stays busy with it, and the pool closes it when it is released
   * with that error.
   */
  async function query(client: pg.PoolClient, text: string, params: SqlValue[], timeoutMs: number) {
    try {
      // query_timeout per statement (pg reads it from the config object) rather than for the
      // pool: migrations are not bounded.
      return await client.query({
        text,
        values: params,
        query_timeout: timeoutMs,
      } as pg.QueryConfig);
    } catch (error) {
      throw noted(error);
    }
  }

  const listener = pgListener(options.connectionString, schema, options.listenerHeartbeatMs);
  // One connection per statement; one that failed is closed rather than kept (as pool.query).
  const direct = executor(async (text, params) => {
    const client = await acquire();
    let broken: Error | undefined;
    try {
      return await query(client, text, params, queryTimeoutMs);
    } catch (error) {
      broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  }, listener.channel);

  /**
   * A COMMIT left unanswered may have committed or not: the caller gets StoreUnavailableError
   * either way, so nothing is acknowledged, and what it does is safe to retry (idempotency
   * keys and the transfer steps are written in the transactions they guard).
   */
  async function transaction<T>(
    fn: (tx: Sql) => Promise<T>,
    /** 0: no bound. */
    timeoutMs = queryTimeoutMs,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const client = await acquire();
      // An error here makes the pool close the connection rather than keep it.
      let broken: unknown;
      try {
        // A live server answers BEGIN at once, even for a transaction that is not bounded.
        await query(client, 'BEGIN', [], timeoutMs || queryTimeoutMs);
        const result = await fn(
          executor((text, params) => query(client, text, params, timeoutMs), listener.channel),
        );
        await query(client, 'COMMIT', [], timeoutMs);
        return result;
      } catch (error) {
        // A connection that did not answer would not answer the ROLLBACK either; PostgreSQL
        // rolls back when the connection closes, or ends the idle transaction after a minute.
        // Bounded even for migrations: a live server answers it at once, and one that stops
        // answering then would hold `settle migrate` forever.
        broken = unanswered(error)
          ? error
          : await query(client, 'ROLLBACK', [], timeoutMs || queryTimeoutMs).then(
              () => undefined,
              (rollbackError: unknown) => rollbackError,
            );
        const code = (error as { code?: string }).code;
        if (attempt < 5 && code && RETRYABLE.has(code)) continue;
        throw error;
      } finally {
        client.release(broken as Error | undefined);
      }
    }
  }

  return {
    dialect: 'postgres',
    ...direct,
    async lock() {
      throw new Error('lock() only makes sense inside a transaction');
    },
    listen: listener.listen,
    transaction,
    async migrate() {
      const migrated = transaction(async (tx) => {
        // Migrations may take long (an index on a big table) and wait for each other: no
        // bound here. `settle migrate` is a release step, not a request.
        await tx.run('SET LOCAL statement_timeout = 0');
        await tx.run('SET LOCAL lock_timeout = 0');
        // One migrator at a time across processes.
        await tx.lock('settle:migrate');
        await tx.run(createMigrationsTable);
        return applyMigrations(tx);
      }, 0);
      // Migrations run at start-up: the first contact with the server.
      return migrated.catch((error: unknown) => {
        throw unreachable(error);
      });
    },
    async close() {
      await listener.close();
      await pool.end();
    },
  };
}
