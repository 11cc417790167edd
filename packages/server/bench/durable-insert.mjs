// The floor under any durable transfer: the bare Hono endpoint plus one row written through
// Settle's SQLite store (group commit, synced before the answer). What a transfer costs
// above this is its own work, not durability.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { openSqliteStore } from '@settle/server/node';
import { Hono } from 'hono';

const dir = mkdtempSync(join(tmpdir(), 'settle-bench-'));
// The bench ends this process with SIGTERM; its database goes with it.
process.on('SIGTERM', () => {
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
const store = await openSqliteStore(join(dir, 'f.db'));
await store.run('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
const app = new Hono();
app.post('/echo', async (c) => {
  const received = await c.req.json();
  await store.run('INSERT INTO rows (body) VALUES (?)', [JSON.stringify(received)]);
  return c.json({ received }, 201);
});
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
  process.send?.({ port: info.port }),
);
process.on('message', (m) => m === 'cpu' && process.send?.({ cpu: process.cpuUsage() }));
