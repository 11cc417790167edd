#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { serve } from '@hono/node-server';
import { loadDevSecrets, mintDevToken } from '@settle/server/node';
import { createDemoApp } from './app.js';
import { createChat } from './chat.js';
import { createSmsRelay } from './sms-relay.js';

const port = Number(process.env.PORT ?? 3000);
const settlePort = Number(process.env.SETTLE_PORT ?? 8787);
const dataDir = process.env.SETTLE_DATA ?? '.settle';
const settleUrl = `http://127.0.0.1:${settlePort}`;

// The Settle server runs beside the chat app on its own port, hence its own origin, as in
// production: it accepts calls from the demo's origin and lets it embed the card frame. Its
// request log goes to a file so this terminal stays readable.
const serverPackage = createRequire(import.meta.url).resolve('@settle/server/package.json');
const cli = join(dirname(serverPackage), 'dist/node/cli.js');
mkdirSync(dataDir, { recursive: true });
const settle = spawn(
  process.execPath,
  [cli, 'serve', '--port', String(settlePort), '--data', dataDir],
  {
    stdio: ['ignore', openSync(join(dataDir, 'server.log'), 'a'), 'inherit'],
    env: {
      ...process.env,
      SETTLE_ALLOWED_ORIGINS: `http://localhost:${port},http://127.0.0.1:${port}`,
    },
  },
);
settle.on('exit', (code) => {
  console.error(`The Settle server stopped (exit code ${code}); see ${dataDir}/server.log.`);
  process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    settle.removeAllListeners('exit');
    settle.once('exit', () => process.exit(0));
    settle.kill('SIGTERM');
  });
}

async function waitForSettle() {
  for (let attempt = 0; attempt < 200; attempt++) {
    const ok = await fetch(`${settleUrl}/healthz`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`The Settle server did not answer on ${settleUrl}; see ${dataDir}/server.log.`);
}

await waitForSettle();
// The platform's side: the demo signs user tokens with the dev platform key `settle serve`
// generated in the data folder (a real platform uses its own key; see docs/quickstart.md).
const secrets = await loadDevSecrets(dataDir);
const app = createDemoApp({
  settleUrl,
  mintToken: (userId) => mintDevToken(secrets, userId, 600),
  secretKey: secrets.secretKey,
  chat: createChat({ file: join(dataDir, 'demo-chat.json') }),
  sms: createSmsRelay({ settleUrl }),
});
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
  console.log(`Settle server: http://localhost:${settlePort} (data in ${dataDir}/)`);
  console.log(`Settle demo:   open http://localhost:${info.port}`);
});
