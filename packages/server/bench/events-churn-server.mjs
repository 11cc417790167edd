// The Settle server as `settle serve` runs it (embedded store), for events-churn.mjs: it answers
// 'memory' with its memory use after a full garbage collection (started with --expose-gc).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import { serve } from '@hono/node-server';
import { createApp } from '@settle/server';
import { openSqliteStore } from '@settle/server/node';

const { jwk } = JSON.parse(process.argv[2]);
const dir = mkdtempSync(join(tmpdir(), 'settle-bench-'));
// The bench ends this process with SIGTERM; its database goes with it.
process.on('SIGTERM', () => {
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
const store = await openSqliteStore(join(dir, 'settle.db'));
await store.migrate();
const app = createApp({
  store,
  platform: {
    id: 'bench.example',
    jwks: { keys: [jwk] },
    secretKeys: ['sk_bench_0123456789abcdef'],
  },
  allowedOrigins: [],
  vault: { keys: { k1: Buffer.alloc(32, 7).toString('base64') }, activeKeyId: 'k1' },
  hashSecret: 'bench',
  log: () => undefined,
});
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
  process.send?.({ port: info.port }),
);
process.on('message', async (m) => {
  if (m !== 'memory') return;
  // Several passes, a turn apart: what one frees can let the next free more.
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await turn();
  }
  process.send?.({ memory: process.memoryUsage() });
});
