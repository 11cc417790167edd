// The Settle server as `settle serve` runs it (embedded store, durable commits), with the
// bench's platform key and anti-fraud thresholds set so the load is not refused as fraud.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from '@settle/server';
import { openSqliteStore } from '@settle/server/node';

const { jwk, latencyMs } = JSON.parse(process.argv[2]);
const dir = mkdtempSync(join(tmpdir(), 'settle-bench-'));
// The bench ends this process with SIGTERM; its database (tens of MB) goes with it.
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
  dev: true,
  sandboxLatencyMs: latencyMs,
  risk: { velocityReview: 1e9, velocityBlock: 1e9, largeToNewRecipient: 1e9 },
  // Every bench user enrolls from this machine's one address.
  cardTokensPerMinute: 1e9,
  limits: { FR: { perTransfer: 1e12, rolling30Days: 1e12, newAccount7Days: 1e12 } },
  // The PIN is a slow hash by design; the bench measures the transfer path, not scrypt.
  scaExemption: { perPayment: 1e12, sinceLastPin: 1e15, countSinceLastPin: 1e9 },
});
app.jobs.start();
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
  process.send?.({ port: info.port }),
);
// The bench asks how much CPU this process used, to report CPU time per request.
process.on('message', (m) => m === 'cpu' && process.send?.({ cpu: process.cpuUsage() }));
