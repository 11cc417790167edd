#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { createApp } from '../app.js';
import { resealCards } from '../crypto/reseal.js';
import { createVault } from '../crypto/vault.js';
import { createWebhookWorker } from '../events/webhooks.js';
import { checkLedger } from '../ledger/check.js';
import { readDevOutbox } from '../sms.js';
import { answerClientError } from './client-error.js';
import { isProduction, openStore, optionsFromEnv, storeName } from './config.js';
import { loadDevSecrets, mintDevToken } from './dev-keys.js';
import { shutDown } from './shutdown.js';

const usage = `Usage: settle <command> [options]

Commands:
  serve [--port 8787] [--data .settle]   run the server (embedded store, or PostgreSQL
                                         when DATABASE_URL is set)
  token <userId> [--data .settle]        print a user token signed by the dev platform key
  sms [--data .settle]                   print the SMS outbox, newest first
  migrate [--data .settle]               apply database migrations
  check [--data .settle]                 check the ledger's invariants (exit 2 if broken)
  reseal [--data .settle]                seal every card number under SETTLE_VAULT_ACTIVE_KEY,
                                         so older vault keys can be removed

Environment: DATABASE_URL, NODE_ENV=production, SETTLE_* (see docs/operations.md).`;

async function main(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string', default: process.env.PORT ?? '8787' },
      data: { type: 'string', default: process.env.SETTLE_DATA ?? '.settle' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, arg] = positionals;
  const dataDir = values.data;
  if (values.help || !command) return console.log(usage);

  switch (command) {
    case 'serve': {
      const port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('Invalid --port.');
      const store = await openStore(dataDir);
      // Settings first: a process refused for a typo changes nothing in the database.
      const options = await optionsFromEnv(store, dataDir);
      await store.migrate();
      const app = createApp(options);
      // Resumes what a crash interrupted, then retries, pays out and expires in the background.
      const jobs = app.jobs.start();
      const webhooks = createWebhookWorker(options);
      webhooks.start();
      const hostname = process.env.HOST ?? '127.0.0.1';
      const server = serve({ fetch: app.fetch, port, hostname }, (info) => {
        const host = hostname === '0.0.0.0' || hostname === '::' ? 'localhost' : hostname;
        const url = `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`;
        console.log(JSON.stringify({ event: 'listening', url, store: store.dialect }));
      });
      server.on('clientError', answerClientError);
      // Another process on the port, or a HOST not of this machine: said in one line.
      server.once('error', (error: NodeJS.ErrnoException) => {
        const why = error.message.replace(/^listen \w+: /, '').replace(/ \S+:\d+$/, '');
        console.error(
          `settle: Cannot listen on ${hostname}:${port} (HOST, --port or PORT): ${why}.`,
        );
        process.exit(1);
      });
      const stop = async () => {
        process.exit(await shutDown({ server, app, jobs, webhooks, store, log: options.log }));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return;
    }
    case 'token': {
      if (isProduction()) throw new Error('No dev key in production.');
      if (!arg) throw new Error('Usage: settle token <userId>');
      if (process.env.SETTLE_PLATFORM_JWKS || process.env.SETTLE_PLATFORM_JWKS_URL) {
        // On stderr, so `TOKEN=$(settle token alice)` still captures only the token.
        console.error(
          'Warning: SETTLE_PLATFORM_JWKS(_URL) is set, so settle serve trusts your platform keys, ' +
            'not the dev key this token is signed with: sign tokens with your own key instead.',
        );
      }
      return console.log(await mintDevToken(await loadDevSecrets(dataDir), arg));
    }
    case 'sms': {
      // `settle serve` keeps SMS in this outbox in production too: it has no SMS gateway.
      const store = await openStore(dataDir, process.env, { existing: true });
      await store.migrate();
      for (const sms of await readDevOutbox(store)) {
        console.log(`${new Date(sms.createdAt).toISOString()}  ${sms.phone}  ${sms.body}`);
      }
      return store.close();
    }
    case 'check': {
      const store = await openStore(dataDir, process.env, { existing: true });
      await store.migrate();
      const report = await checkLedger(store);
      console.log(
        report.ok
          ? `Ledger OK: ${report.movements} movements, ${report.entries} entries, all balanced (${storeName(dataDir)}).`
          : `Ledger BROKEN (${storeName(dataDir)}):\n${report.problems.join('\n')}`,
      );
      await store.close();
      if (!report.ok) process.exitCode = 2;
      return;
    }
    case 'reseal': {
      const store = await openStore(dataDir, process.env, { existing: true });
      const { vault } = await optionsFromEnv(store, dataDir);
      await store.migrate();
      const active = createVault(vault);
      const resealed = await resealCards(store, active);
      const left = await store.all<{ key_id: string; n: number }>(
        'SELECT key_id, COUNT(*) AS n FROM cards GROUP BY key_id ORDER BY key_id',
      );
      console.log(
        `Re-sealed ${resealed} card numbers in ${storeName(dataDir)} under vault key "${active.activeKeyId}". Cards per key: ${
          left.map((r) => `${r.key_id} ${r.n}`).join(', ') || 'none'
        }.`,
      );
      return store.close();
    }
    case 'migrate': {
      const store = await openStore(dataDir);
      const applied = await store.migrate();
      console.log(applied.length ? `Applied migrations ${applied.join(', ')}.` : 'Up to date.');
      return store.close();
    }
    default:
      throw new Error(`Unknown command "${command}".\n\n${usage}`);
  }
}

main(process.argv.slice(2)).catch((error: Error) => {
  // The database's own words say where it was looked for (connect ECONNREFUSED host:port).
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  console.error(`settle: ${error.message}${cause}`);
  process.exit(1);
});
