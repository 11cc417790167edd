// The Settle server for transfers.bench.mjs, with anti-fraud thresholds set so the load is not
// refused as fraud.
import { serveBenchApp } from './settle-app.mjs';

const { jwk, latencyMs } = JSON.parse(process.argv[2]);
const app = await serveBenchApp(jwk, {
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
// The bench asks how much CPU this process used, to report CPU time per request.
process.on('message', (m) => m === 'cpu' && process.send?.({ cpu: process.cpuUsage() }));
