// What the bench's Settle servers share: the server as `settle serve` runs it (embedded store
// in a temporary folder, durable commits), with the bench's platform key, serving on a free
// port it reports to the bench. The bench ends it with SIGTERM; its database goes with it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from '@settle/server';
import { openSqliteStore } from '@settle/server/node';

/** Starts the server with `options` added to the bench's own; resolves to the app. */
export async function serveBenchApp(jwk, options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'settle-bench-'));
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
    ...options,
  });
  serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
    process.send?.({ port: info.port }),
  );
  return app;
}
