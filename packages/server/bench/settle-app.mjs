// What the bench's Settle servers share: the server as `settle serve` runs it (embedded store
// in a temporary folder, durable commits), with the bench's platform key, serving on a free
// port it reports to the bench.
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from '@settle/server';
import { openSqliteStore } from '@settle/server/node';
import { benchDir } from './temp-dir.mjs';

/** Starts the server with `options` added to the bench's own; resolves to the app. */
export async function serveBenchApp(jwk, options = {}) {
  const store = await openSqliteStore(join(benchDir(), 'settle.db'));
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
