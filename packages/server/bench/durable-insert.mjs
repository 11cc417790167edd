// The floor under any durable transfer: the bare Hono endpoint plus one row written through
// Settle's SQLite store (group commit, synced before the answer). What a transfer costs
// above this is its own work, not durability.
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { openSqliteStore } from '@settle/server/node';
import { Hono } from 'hono';
import { benchDir } from './temp-dir.mjs';

const store = await openSqliteStore(join(benchDir(), 'f.db'));
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
