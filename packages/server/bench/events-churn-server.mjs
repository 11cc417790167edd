// The Settle server for events-churn.mjs: it answers 'memory' with its memory use after a full
// garbage collection (started with --expose-gc).
import { setImmediate as turn } from 'node:timers/promises';
import { serveBenchApp } from './settle-app.mjs';

const { jwk } = JSON.parse(process.argv[2]);
await serveBenchApp(jwk, { log: () => undefined });
process.on('message', async (m) => {
  if (m !== 'memory') return;
  // Several passes, a turn apart: what one frees can let the next free more.
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await turn();
  }
  process.send?.({ memory: process.memoryUsage() });
});
