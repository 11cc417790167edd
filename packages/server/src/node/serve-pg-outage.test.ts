import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgRelay } from '../testing/pg-relay.js';
import { cli, startServe } from '../testing/serve.js';
import { pgUrl, storeKinds } from '../testing/stores.js';
import { STOP_MS } from './shutdown.js';

const kinds = (await storeKinds()).filter((kind) => kind === 'postgres');
const newSchema = () => `settle_test_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;

describe.skipIf(kinds.length === 0)('settle serve when PostgreSQL stops answering', () => {
  const schema = newSchema();
  let direct: pg.Client;
  let dataDir: string;
  beforeAll(async () => {
    direct = new pg.Client({ connectionString: pgUrl });
    await direct.connect();
    dataDir = mkdtempSync(join(tmpdir(), 'settle-pg-outage-'));
  });
  afterAll(async () => {
    await direct.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await direct.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** `settle serve` through a relay of its own, and what it writes on stdout. */
  async function serving() {
    const relay = await pgRelay();
    const server = await startServe(dataDir, {
      NODE_ENV: 'development',
      DATABASE_URL: relay.url,
      SETTLE_PG_SCHEMA: schema,
    });
    const out = { text: '' };
    server.process.stdout?.on('data', (chunk: Buffer) => {
      out.text += chunk;
    });
    return {
      relay,
      server,
      out,
      close() {
        server.process.kill('SIGKILL');
        relay.close();
      },
    };
  }

  it('stops on SIGTERM within its bound when closing its connections would hang, exit 1', async () => {
    const { relay, server, out, close } = await serving();
    try {
      relay.blackhole();
      const stopAt = performance.now();
      server.process.kill('SIGTERM');
      // Closing the idle connections (the pool's, the listener's) waits for TCP to give up.
      expect(await server.exited).toBe(1);
      expect(performance.now() - stopAt).toBeLessThan(STOP_MS + 2_000);
      expect(out.text).toMatch(/"event":"shutdown.incomplete","waiting":\[[^\]]*"store"/);
    } finally {
      close();
    }
  }, 30_000);

  it('answers a write cut off in flight 503 before it stops, not as done', async () => {
    const { relay, server, close } = await serving();
    try {
      const token = (
        await promisify(execFile)(process.execPath, [cli, 'token', 'alice', '--data', dataDir])
      ).stdout.trim();
      // The profile's UPDATE reaches PostgreSQL; its answer does not, nor anything after.
      relay.blackholeAfter('UPDATE accounts SET legal_name');
      const write = fetch(`http://127.0.0.1:${server.port}/v1/account/profile`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ legalName: 'Alice Martin', country: 'FR', phone: '+33612345678' }),
      }).then(
        (res) => res.status,
        (error: Error) => error.name,
      );
      // PostgreSQL ran it, and waits in the transaction for what the cut holds.
      for (;;) {
        const { rows } = await direct.query(
          `SELECT 1 FROM pg_stat_activity WHERE state = 'idle in transaction'
             AND query LIKE 'UPDATE accounts SET legal_name%'`,
        );
        if (rows.length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const stopAt = performance.now();
      server.process.kill('SIGTERM');

      // Answered when its statement is given up on (20 s), not cut at SIGTERM.
      expect(await write).toBe(503);
      expect(await server.exited).not.toBeNull();
      expect(performance.now() - stopAt).toBeLessThan(20_000 + STOP_MS + 2_000);
      const { rows } = await direct.query(
        `SELECT legal_name FROM ${schema}.accounts WHERE user_id = 'alice'`,
      );
      expect(rows).toEqual([]);
    } finally {
      close();
    }
  }, 60_000);

  /** Runs `settle serve` that cannot start: its exit code, stderr and how long it took. */
  async function failedStart(databaseUrl: string) {
    const startAt = performance.now();
    const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--data', dataDir], {
      env: {
        ...process.env,
        NODE_ENV: 'development',
        DATABASE_URL: databaseUrl,
        SETTLE_PG_SCHEMA: schema,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    try {
      const code = await new Promise((resolve) => child.once('exit', resolve));
      return { code, stderr, ms: performance.now() - startAt };
    } finally {
      child.kill('SIGKILL');
    }
  }

  it('fails to start within 5 s when PostgreSQL does not answer, naming the host, not the password', async () => {
    const relay = await pgRelay();
    try {
      relay.blackhole();
      const url = new URL(relay.url);
      url.password = 'hunter2-secret';
      const { code, stderr, ms } = await failedStart(url.toString());
      expect(code).toBe(1);
      expect(ms).toBeLessThan(5_000 + 3_000);
      expect(stderr).toContain(`Cannot reach PostgreSQL at 127.0.0.1:${url.port} (database `);
      expect(stderr).not.toContain('hunter2-secret');
    } finally {
      relay.close();
    }
  }, 30_000);

  it('fails to start when the first query of the migrations is not answered (20 s)', async () => {
    const relay = await pgRelay();
    try {
      // The pool's new connection sets its bounds, then BEGINs the migrations: no answer.
      relay.blackholeAfter('SET statement_timeout', 'BEGIN');
      const { code, stderr, ms } = await failedStart(relay.url);
      expect(code).toBe(1);
      expect(ms).toBeLessThan(20_000 + 3_000);
      expect(stderr).toContain('Cannot reach PostgreSQL at 127.0.0.1:');
      expect(stderr).toContain('Query read timeout');
    } finally {
      relay.close();
    }
  }, 40_000);
});
