/** A SQL parameter: stores hold integers (ms timestamps, minor units), text and nulls. */
export type SqlValue = string | number | null;

/**
 * The statements the repositories need, written once with `?` placeholders in the SQL
 * that both SQLite and PostgreSQL accept.
 */
export interface Sql {
  all<T>(sql: string, params?: SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: SqlValue[]): Promise<T | undefined>;
  run(sql: string, params?: SqlValue[]): Promise<{ changes: number }>;
  /**
   * Serialises transactions that touch the same key (a phone number, a user) until this
   * transaction ends, so checks-then-writes like rate limits hold across processes.
   */
  lock(key: string): Promise<void>;
  /**
   * Sends `payload` to the listeners of `channel` (see `Store.listen`) once this transaction
   * commits; a rollback drops it. Outside a transaction it is sent at once.
   */
  notify(channel: string, payload: string): Promise<void>;
}

/** One store interface, two implementations: `node:sqlite` and PostgreSQL. */
export interface Store extends Sql {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs `fn` in one transaction: all of its writes commit together or none do. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /** Applies the migrations not yet applied; safe to run from several processes at once. */
  migrate(): Promise<number[]>;
  /**
   * Calls `onMessage` with the payload of every notification on `channel` until the returned
   * function is called. On PostgreSQL, notifications from every process sharing the database
   * arrive (LISTEN/NOTIFY); on SQLite, those of this process. Resolves once listening.
   * `onReconnect` is called when a lost PostgreSQL listening connection is back: the
   * notifications sent meanwhile are gone, so whatever they would have prompted is due now.
   */
  listen(
    channel: string,
    onMessage: (payload: string) => void,
    onReconnect?: () => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * The database did not answer: it is down or restarting, the connection was lost, or a wait
 * (for a connection, a lock, a statement) ran out. Nothing the request asked for is known to
 * have happened; the API answers 503 and the client retries (with its Idempotency-Key).
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  constructor(
    /** What went wrong, without the driver's message (which may quote parameters). */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`The database is unavailable (${reason}).`, options);
  }
}
