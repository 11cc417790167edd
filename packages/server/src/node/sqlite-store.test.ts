import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite-store.js';

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
});
