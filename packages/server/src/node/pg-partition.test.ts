import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Store, StoreUnavailableError } from '../store/store.js';
import { expectBalancedLedger, sandboxCount } from '../testing/money.js';
import { pgRelay } from '../testing/pg-relay.js';
import { enroll, nextPhone, type TestApp, testApp } from '../testing/platform.js';
import { pgUrl, storeKinds } from '../testing/stores.js';
import { openPgStore } from './pg-store.js';

// Without PostgreSQL, storeKinds says how to start it: then run this file again.
const kinds = (await storeKinds()).filter((kind) => kind === 'postgres');

const eur = (value: number) => ({ value, currency: 'EUR' });
// Advisory locks are database-wide: names no other run of this file can hold.
const unique = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}`;
const newSchema = () => `settle_test_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;

/**
 * A transaction of another connection holding what `sql` locks, so that a request's statement
 * waits in PostgreSQL: it is on the wire, unanswered, when the network is cut.
 */
async function holding(sql: string, params: unknown[] = []) {
  const holder = new pg.Client({ connectionString: pgUrl });
  await holder.connect();
  await holder.query('BEGIN');
  await holder.query(sql, params);
  const pid = (await holder.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
  return {
    /** Resolves once a statement of another connection waits for the lock. */
    async waitedOn() {
      for (;;) {
        const { rows } = await holder.query(
          'SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))',
          [pid],
        );
        if (rows[0].n > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    /** The waiting statement goes on and PostgreSQL answers it. */
    async release() {
      await holder.query('COMMIT');
      await holder.end();
    },
  };
}

describe.skipIf(kinds.length === 0)(
  'the API when PostgreSQL stops answering in the middle of a request (no RST, no FIN)',
  () => {
    const schema = newSchema();
    let relay: Awaited<ReturnType<typeof pgRelay>>;
    let direct: Store;
    let store: Store;
    let t: TestApp;
    beforeAll(async () => {
      relay = await pgRelay();
      direct = await openPgStore({ connectionString: pgUrl, schema });
      await direct.migrate();
      // Bounds shorter than the defaults (15 s and 20 s), in the same order.
      store = await openPgStore({
        connectionString: relay.url,
        schema,
        max: 3,
        statementTimeoutMs: 2000,
        queryTimeoutMs: 3000,
      });
      t = await testApp(store);
    });
    afterEach(() => relay.forward());
    afterAll(async () => {
      relay.close();
      await store.close();
      await direct.run(`DROP SCHEMA ${schema} CASCADE`);
      await direct.close();
    });

    it('answers a read 503 store_unavailable, and serves at once from the new primary', async () => {
      const reader = unique('reader');
      await enroll(t, reader, { phone: nextPhone() });
      const lock = await holding(`LOCK TABLE ${schema}.transfers IN ACCESS EXCLUSIVE MODE`);
      const answer = t.call(reader, 'GET', '/v1/transfers');
      await lock.waitedOn();
      // The host of the connections open now is gone; new ones reach a new primary.
      relay.failover();
      await lock.release();
      const res = await answer;
      expect(res.status).toBe(503);
      expect(res.body.error).toMatchObject({ type: 'api_error', code: 'store_unavailable' });
      expect(res.headers.get('retry-after')).toBe('1');
      // No connection of the old host is used again (its queries would never be answered):
      // more reads than the pool holds connections are all served.
      for (let i = 0; i < 4; i++) {
        expect((await t.call(reader, 'GET', '/v1/transfers')).status).toBe(200);
      }
    });

    it('does not acknowledge a transfer that did not commit; its retry makes it once', async () => {
      const [alice, bob] = [unique('alice'), unique('bob')];
      await enroll(t, alice, { phone: nextPhone() });
      await enroll(t, bob, { phone: nextPhone() });
      const key = crypto.randomUUID();
      const body = { recipientId: bob, amount: eur(1200) };
      // The transfer waits for its sender's lock when the network is cut.
      const lock = await holding('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `payer:${alice}`,
      ]);
      const answer = t.pay(alice, '/v1/transfers', body, key);
      await lock.waitedOn();
      relay.blackhole();
      await lock.release();
      const first = await answer;
      expect(first.status).toBe(503);
      expect(first.body.error.code).toBe('store_unavailable');

      // The network comes back: the transaction cut in the middle is rolled back.
      relay.forward();
      const retry = await t.pay(alice, '/v1/transfers', body, key);
      expect(retry.status).toBe(201);
      expect(retry.body.status).toBe('completed');
      const rows = await direct.all<{ id: string }>(
        'SELECT id FROM transfers WHERE sender_id = ?',
        [alice],
      );
      expect(rows).toEqual([{ id: retry.body.id }]);
      expect(await sandboxCount(direct, retry.body.id, 'charge')).toBe(1);
      await expectBalancedLedger(direct);
    });

    it('answers 503 for a transfer whose COMMIT went unanswered; its retry returns it', async () => {
      const [alice, bob] = [unique('alice'), unique('bob')];
      await enroll(t, alice, { phone: nextPhone() });
      await enroll(t, bob, { phone: nextPhone() });
      const key = crypto.randomUUID();
      const body = { recipientId: bob, amount: eur(800) };
      // The transfer's COMMIT reaches PostgreSQL, which commits; its answer is lost.
      relay.blackholeAfter('INSERT INTO idempotency_keys', 'COMMIT');
      const first = await t.pay(alice, '/v1/transfers', body, key);
      expect(first.status).toBe(503);
      expect(first.body.error.code).toBe('store_unavailable');
      const made = await direct.all<{ id: string }>(
        'SELECT id FROM transfers WHERE sender_id = ?',
        [alice],
      );
      expect(made).toHaveLength(1);

      relay.forward();
      const retry = await t.pay(alice, '/v1/transfers', body, key);
      expect(retry.status).toBe(201);
      expect(retry.body).toMatchObject({ id: made[0]?.id, status: 'completed' });
      expect(await direct.all('SELECT id FROM transfers WHERE sender_id = ?', [alice])).toEqual(
        made,
      );
      expect(await sandboxCount(direct, retry.body.id, 'charge')).toBe(1);
      expect(await sandboxCount(direct, retry.body.id, 'payout')).toBe(1);
      await expectBalancedLedger(direct);
    });
  },
);

describe.skipIf(kinds.length === 0)('the pool when PostgreSQL stops answering', () => {
  it('closes a connection that did not answer: its slot serves again, on a new one', async () => {
    const relay = await pgRelay();
    // One connection: kept after its silence, it would fail every query after.
    const store = await openPgStore({
      connectionString: relay.url,
      max: 1,
      statementTimeoutMs: 1000,
      queryTimeoutMs: 2000,
    });
    try {
      const cut = store.transaction(async (tx) => {
        await tx.get('SELECT 1 AS one');
        relay.failover();
        return tx.get('SELECT 2 AS two');
      });
      await expect(cut).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(await store.transaction((tx) => tx.get('SELECT 3 AS three'))).toEqual({ three: 3 });
      relay.failover();
      await expect(store.get('SELECT 4 AS four')).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(await store.get('SELECT 5 AS five')).toEqual({ five: 5 });
    } finally {
      relay.close();
      await store.close();
    }
  });
});

describe.skipIf(kinds.length === 0)('the pool after a failover to another host', () => {
  it('uses none of the connections idle across it once one went unanswered', async () => {
    const relay = await pgRelay();
    const store = await openPgStore({
      connectionString: relay.url,
      max: 4,
      statementTimeoutMs: 500,
      queryTimeoutMs: 1000,
    });
    try {
      // Four connections, idle when the host of the old primary vanishes.
      await Promise.all(
        [1, 2, 3, 4].map(() => store.transaction((tx) => tx.get('SELECT pg_sleep(0.05)'))),
      );
      relay.failover();
      const outcomes: string[] = [];
      for (let i = 0; i < 5; i++) {
        outcomes.push(
          await store.get('SELECT 1 AS one').then(
            () => 'ok',
            (error: unknown) =>
              error instanceof StoreUnavailableError ? error.reason : String(error),
          ),
        );
      }
      // One request pays for finding the old host gone (each stale one would: 4 x 1 s).
      expect(outcomes).toEqual(['no_answer', 'ok', 'ok', 'ok', 'ok']);
    } finally {
      relay.close();
      await store.close();
    }
  });
});

describe.skipIf(kinds.length === 0)('settle migrate when PostgreSQL stops answering', () => {
  it('gives up on the ROLLBACK of a failed migration once unanswered, rather than hang', async () => {
    const schema = newSchema();
    const direct = new pg.Client({ connectionString: pgUrl });
    await direct.connect();
    // A migrations table of another shape: the migrations fail at once, then roll back.
    await direct.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.settle_migrations (x INT)`);
    const relay = await pgRelay();
    const store = await openPgStore({
      connectionString: relay.url,
      schema,
      statementTimeoutMs: 500,
      queryTimeoutMs: 1000,
    });
    try {
      // The ROLLBACK reaches PostgreSQL; its answer does not.
      relay.blackholeAfter('SELECT version FROM settle_migrations', 'ROLLBACK');
      const started = performance.now();
      const outcome = await Promise.race([
        store.migrate().then(
          () => 'migrated',
          (error: Error) => error.message,
        ),
        new Promise((resolve) => setTimeout(() => resolve('still waiting'), 5_000)),
      ]);
      // The migration's own error, not the ROLLBACK's, once the ROLLBACK's bound is past.
      expect(outcome).toMatch(/column "version" does not exist/);
      expect(performance.now() - started).toBeLessThan(3_000);
    } finally {
      relay.close();
      await store.close();
      await direct.query(`DROP SCHEMA ${schema} CASCADE`);
      await direct.end();
    }
  }, 15_000);
});

describe.skipIf(kinds.length === 0)('LISTEN when PostgreSQL stops answering', () => {
  const schema = newSchema();
  let direct: Store;
  beforeAll(async () => {
    direct = await openPgStore({ connectionString: pgUrl, schema });
  });
  afterAll(async () => {
    await direct.run(`DROP SCHEMA ${schema} CASCADE`);
    await direct.close();
  });

  /** A store through a relay of its own, so that the relay sees only its connections. */
  async function relayed() {
    const relay = await pgRelay();
    const store = await openPgStore({
      connectionString: relay.url,
      schema,
      listenerHeartbeatMs: 500,
    });
    return {
      relay,
      store,
      async close() {
        relay.close();
        await store.close();
      },
    };
  }

  /** Notifies `channel` until `received` has a message: delivery follows a reconnection. */
  async function notifyUntil(channel: string, received: string[]) {
    for (let i = 0; received.length === 0; i++) {
      await direct.notify(channel, `try ${i}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('listens again once the network comes back', async () => {
    const { relay, store, close } = await relayed();
    try {
      const received: string[] = [];
      let reconnected = 0;
      const unlisten = await store.listen(
        'test_blackhole',
        (payload) => received.push(payload),
        () => reconnected++,
      );
      relay.blackhole();
      // The heartbeat finds the connection silent and makes another (which waits, too).
      const before = relay.accepted();
      while (relay.accepted() === before) await new Promise((resolve) => setTimeout(resolve, 50));
      relay.forward();
      await notifyUntil('test_blackhole', received);
      expect(reconnected).toBeGreaterThan(0);
      await unlisten();
    } finally {
      await close();
    }
  });

  it('fails a LISTEN the network swallowed, rather than hanging, and listens after', async () => {
    const { relay, store, close } = await relayed();
    try {
      relay.blackholeAfter('LISTEN');
      await expect(store.listen('test_swallowed', () => undefined)).rejects.toThrow();
      relay.forward();
      const received: string[] = [];
      const unlisten = await store.listen('test_swallowed', (payload) => received.push(payload));
      await notifyUntil('test_swallowed', received);
      await unlisten();
    } finally {
      await close();
    }
  });
});
