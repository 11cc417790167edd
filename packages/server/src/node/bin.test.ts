import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { promisify } from 'node:util';
import pg from 'pg';
import { expect, it } from 'vitest';
import { pgUrl, storeKinds } from '../testing/stores.js';

const bin = join(import.meta.dirname, '../../bin/settle.js');
/** `settle --help` on a Node.js that says it is `version` (a preload changes what the shim reads). */
const helpOn = (version: string) =>
  promisify(execFile)(process.execPath, [
    `--import=data:text/javascript,Object.defineProperty(process.versions,'node',{value:'${version}'})`,
    bin,
    '--help',
  ]);

it('says which Node.js it needs on one whose node:sqlite needs a flag', async () => {
  await expect(helpOn('22.12.0')).rejects.toMatchObject({
    code: 1,
    stderr: 'settle needs Node.js 22.13 or later; this is Node.js 22.12.0.\n',
  });
});

it('runs from Node.js 22.13', async () => {
  const { stdout } = await helpOn('22.13.0');
  expect(stdout).toContain('Usage: settle <command>');
});

it('says where it looked for PostgreSQL when it cannot reach it', async () => {
  // Nothing listens on port 1. bin/settle.js runs the built CLI (npm run build).
  const migrate = promisify(execFile)(process.execPath, [bin, 'migrate'], {
    env: { ...process.env, DATABASE_URL: 'postgres://settle@127.0.0.1:1/settle' },
  });
  await expect(migrate).rejects.toMatchObject({
    code: 1,
    stderr: expect.stringMatching(
      /^settle: Cannot reach PostgreSQL at 127\.0\.0\.1:1 \(database settle\): .*127\.0\.0\.1:1\n$/,
    ),
  });
});

it('says where it cannot listen, rather than crash with a stack trace', async () => {
  // An old process still on the port, as an operator starting a second one would meet.
  const taken = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => taken.once('listening', resolve));
  const { port } = taken.address() as { port: number };
  const data = mkdtempSync(join(tmpdir(), 'settle-bin-'));
  try {
    const serve = promisify(execFile)(
      process.execPath,
      [bin, 'serve', '--port', String(port), '--data', data],
      { env: { ...process.env, NODE_ENV: 'development' } },
    );
    await expect(serve).rejects.toMatchObject({
      code: 1,
      stderr: `settle: Cannot listen on 127.0.0.1:${port} (HOST, --port or PORT): address already in use.\n`,
    });
  } finally {
    taken.close();
    rmSync(data, { recursive: true, force: true });
  }
});

it('reads the store settle serve wrote, or says it found none, rather than make an empty one', async () => {
  const data = mkdtempSync(join(tmpdir(), 'settle-bin-'));
  const { DATABASE_URL: _, ...env } = process.env;
  const settle = (...args: string[]) =>
    promisify(execFile)(process.execPath, [bin, ...args, '--data', data], { env });
  try {
    const none = `settle: No Settle database at ${join(data, 'settle.db')}: run this where settle serve runs, with its --data (or SETTLE_DATA), or set DATABASE_URL for PostgreSQL.\n`;
    // An operator about to remove a vault key, in the wrong folder: not "no card holds it".
    for (const command of ['reseal', 'check', 'sms']) {
      await expect(settle(command)).rejects.toMatchObject({ code: 1, stderr: none });
    }
    expect(existsSync(join(data, 'settle.db'))).toBe(false);
    await settle('migrate');
    const { stdout } = await settle('reseal');
    expect(stdout).toMatch(
      new RegExp(
        `^Re-sealed 0 card numbers in the embedded store ${join(data, 'settle.db')} under vault key "[^"]+"\\. Cards per key: none\\.\n$`,
      ),
    );
    expect((await settle('check')).stdout).toContain(
      `all balanced (the embedded store ${join(data, 'settle.db')}).`,
    );
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}, 30_000);

it('changes nothing in the database when its settings are refused', async () => {
  const data = mkdtempSync(join(tmpdir(), 'settle-bin-'));
  const { DATABASE_URL: _, ...env } = process.env;
  try {
    const serve = promisify(execFile)(process.execPath, [bin, 'serve', '--data', data], {
      env: { ...env, NODE_ENV: 'prod' },
    });
    await expect(serve).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/NODE_ENV/),
    });
    const db = new DatabaseSync(join(data, 'settle.db'));
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    db.close();
    expect(tables).toEqual([]);
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});

it.runIf((await storeKinds()).includes('postgres'))(
  'reads only a PostgreSQL schema settle serve made, not a misspelt one',
  async () => {
    const schema = `settle_typo_${process.pid}`;
    const env = { ...process.env, DATABASE_URL: pgUrl, SETTLE_PG_SCHEMA: schema };
    const check = promisify(execFile)(process.execPath, [bin, 'check'], { env });
    const url = new URL(pgUrl);
    await expect(check).rejects.toMatchObject({
      code: 1,
      stderr: `settle: No Settle database in PostgreSQL at ${url.hostname}:${url.port || 5432} (database ${url.pathname.slice(1)}), schema ${schema}: use the DATABASE_URL and SETTLE_PG_SCHEMA of settle serve.\n`,
    });
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  },
);

it.runIf((await storeKinds()).includes('postgres'))(
  'says which PostgreSQL refused it, for a database that does not exist',
  async () => {
    const url = new URL(pgUrl);
    url.pathname = '/settle_no_such_database';
    const migrate = promisify(execFile)(process.execPath, [bin, 'migrate'], {
      env: { ...process.env, DATABASE_URL: url.href },
    });
    await expect(migrate).rejects.toMatchObject({
      code: 1,
      stderr: `settle: PostgreSQL at ${url.hostname}:${url.port || 5432} (database settle_no_such_database) refused the connection: database "settle_no_such_database" does not exist\n`,
    });
  },
);
