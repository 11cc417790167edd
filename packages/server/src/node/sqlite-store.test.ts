import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite-store.js';

/** The built store (tests that run it in a child process need `npm run build` first). */
const dist = join(import.meta.dirname, '../../dist/node/index.js');

describe('the SQLite store on disk', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'settle-sqlite-'));
    path = join(dir, 'settle.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('has every acknowledged write on disk, visible to a new connection after close', async () => {
    const store = await openSqliteStore(path);
    await store.run('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    const writes = Array.from({ length: 300 }, (_, i) =>
      store.run('INSERT INTO t (id, v) VALUES (?, ?)', [i, `v${i}`]),
    );
    // Concurrent writes share commits yet each is answered with its own outcome.
    const duplicate = store.run('INSERT INTO t (id, v) VALUES (?, ?)', [7, 'again']);
    await Promise.all(writes);
    await expect(duplicate).rejects.toThrow(/UNIQUE/);
    await store.close();
    const db = new DatabaseSync(path, { readOnly: true });
    expect(db.prepare('SELECT COUNT(*) AS n, MAX(id) AS top FROM t').get()).toEqual({
      n: 300,
      top: 299,
    });
    expect(db.prepare('SELECT v FROM t WHERE id = 7').get()).toEqual({ v: 'v7' });
    db.close();
  });

  it('checkpoints the WAL into the database file beside the writer, under steady writes', async () => {
    const store = await openSqliteStore(path);
    await store.run('CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)');
    // 4 MB, committed one write at a time: far below the writer's own 40 MB checkpoint
    // threshold, so only the background checkpointer copies pages into settle.db.
    const chunk = 'x'.repeat(16 * 1024);
    for (let i = 0; i < 256; i++) {
      await store.run('INSERT INTO blobs (id, data) VALUES (?, ?)', [i, chunk]);
    }
    const deadline = Date.now() + 10_000;
    while (statSync(path).size < 2 * 1024 * 1024 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await store.run('INSERT INTO blobs (data) VALUES (?)', ['x']);
    }
    expect(statSync(path).size).toBeGreaterThan(2 * 1024 * 1024);
    await store.close();
  }, 20_000);

  it('keeps a process with nothing else to do alive until close() has finished', async () => {
    // The checkpointer's worker starts after 50 commits; the script does nothing after close.
    const script = `
      import { openSqliteStore } from ${JSON.stringify(dist)};
      const store = await openSqliteStore(${JSON.stringify(path)});
      await store.run('CREATE TABLE t (id INTEGER PRIMARY KEY)');
      for (let i = 0; i < 60; i++) await store.run('INSERT INTO t (id) VALUES (?)', [i]);
      await store.close();
      console.log('closed');
      process.exitCode = 3;`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect([child.stdout.trim(), child.status]).toEqual(['closed', 3]);
  });
});
