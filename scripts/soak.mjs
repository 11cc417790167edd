// `npm run soak -- [--minutes 5] [--store sqlite|postgres|both] [--payers 12] [--seed 1]`
//
// Runs the bank workload against a real `settle serve` process that is killed with SIGKILL
// every 2 to 6 s and started again; after each restart the ledger's invariants are checked.
// Then it verifies, from the store, every promise made to the clients (scripts/soak/verify.mjs)
// and ends with one line per store:
//   transfers acknowledged N, crashes C, lost 0, duplicated 0, unbalanced 0, limits exceeded 0
// Exits with 1 when any of the last four is not 0. PostgreSQL: SETTLE_TEST_DATABASE_URL, else
// postgres://postgres@127.0.0.1:5432/test; each run uses a schema of its own, dropped after.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { checkLedger } from '@settle/server';
import { openStore } from '@settle/server/node';
import pg from 'pg';
import { soakClient, soakPlatform, soakStats } from './soak/client.mjs';
import { freePort, settleServer } from './soak/server.mjs';
import { secretsInLog, untilSettled, verifySoak } from './soak/verify.mjs';
import { bankWorkload, prng, SOAK_CARDS } from './soak/workload.mjs';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    store: { type: 'string', default: 'both' },
    payers: { type: 'string', default: '12' },
    enrollers: { type: 'string', default: '2' },
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    keep: { type: 'boolean', default: false },
  },
});
const minutes = Number(values.minutes);
const stores = values.store === 'both' ? ['sqlite', 'postgres'] : [values.store];
if (!(minutes > 0) || stores.some((s) => s !== 'sqlite' && s !== 'postgres')) {
  console.error('Usage: npm run soak -- [--minutes 5] [--store sqlite|postgres|both]');
  process.exit(2);
}
const pgUrl = process.env.SETTLE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function soak(kind, seed) {
  const dataDir = mkdtempSync(join(tmpdir(), `settle-soak-${kind}-`));
  const logPath = join(dataDir, 'server.log');
  const platform = await soakPlatform();
  const schema = `settle_soak_${randomBytes(6).toString('hex')}`;
  const env = {
    ...platform.env,
    DATABASE_URL: kind === 'postgres' ? pgUrl : '',
    SETTLE_PG_SCHEMA: kind === 'postgres' ? schema : '',
  };
  const port = await freePort();
  const server = settleServer({ port, dataDir, env, logPath });
  const stats = soakStats();
  const random = prng(seed);
  const request = soakClient({ base: `http://127.0.0.1:${port}`, platform, stats });
  const workload = bankWorkload({ request, random, prefix: `${kind[0]}${seed}` });

  await server.start();
  // The soak's own view of the store, for the invariant checks between crashes.
  const store = await openStore(dataDir, env);
  let crashes = 0;
  const timing = { restart: 0, check: 0 };
  let unbalancedBetweenCrashes = 0;
  const started = Date.now();
  const deadline = started + minutes * 60_000;
  console.log(
    `${kind}: ${minutes} min, seed ${seed}, data ${dataDir}${kind === 'postgres' ? `, schema ${schema}` : ''}`,
  );

  const running = workload.run({
    payers: Number(values.payers),
    enrollers: Number(values.enrollers),
  });
  let lastReport = started;
  while (Date.now() < deadline) {
    await sleep(2000 + random(4000));
    if (Date.now() >= deadline) break;
    const down = Date.now();
    await server.kill();
    crashes++;
    await sleep(random(500));
    await server.start();
    const checking = Date.now();
    timing.restart += checking - down;
    const report = await checkLedger(store);
    timing.check += Date.now() - checking;
    unbalancedBetweenCrashes += report.problems.length;
    for (const p of report.problems) console.log(`${kind}: after crash ${crashes}: ${p}`);
    if (Date.now() - lastReport > 30_000) {
      lastReport = Date.now();
      const acked = [...workload.keyed.values()].filter((e) => e.id).length;
      console.log(
        `${kind}: ${Math.round((Date.now() - started) / 1000)} s, ${crashes} crashes, ${workload.counts.enrolled} enrolled, ${acked} keys acknowledged, ${stats.total()} requests`,
      );
    }
  }

  // Wind down with the server up: clients finish their retries, flags are resolved, frozen
  // accounts thawed, and the server's jobs finish every transfer that can be finished.
  workload.stop();
  await running;
  await workload.wrapUp();
  await untilSettled(store);
  const replayed = await workload.replayAll();
  await server.terminate();
  await server.close();

  const result = await verifySoak(store, workload);
  result.unbalanced += unbalancedBetweenCrashes;
  const pins = [...workload.users.values()].map((u) => u.pin);
  const secrets = secretsInLog(logPath, { cards: SOAK_CARDS, pins, codes: [...workload.otps] });
  await store.close();

  const of = (test) => stats.of(test);
  console.log(
    `${kind}: ${stats.total()} requests (2xx ${of((s) => s >= 200 && s < 300)}, 4xx ${of((s) => s >= 400 && s < 500)}, 5xx ${of((s) => s >= 500)}, no answer ${of((s) => s === 0)}), ${workload.counts.enrolled} people enrolled, ${replayed} acknowledged keys replayed at the end (${workload.counts.replays} replays in all)`,
  );
  console.log(
    `${kind}: transfers ${JSON.stringify(result.byStatus)}; refused keys ${JSON.stringify(result.refusals)}; ${workload.counts.flagsResolved} flags resolved, ${workload.counts.freezes} freezes, ${workload.counts.cancels} cancels, ${workload.counts.declines} declines; ledger ${result.ledger.movements} movements, ${result.ledger.entries} entries`,
  );
  console.log(
    `${kind}: a restart took ${Math.round(timing.restart / crashes)} ms on average, a check of the ledger ${Math.round(timing.check / crashes)} ms`,
  );
  console.log(
    `${kind}: ${secrets.lines} server log lines, secrets in them: ${secrets.found.length ? secrets.found.join(', ') : 'none'}`,
  );
  for (const line of [
    ...stats.serverErrors.slice(0, 10),
    ...workload.problems.slice(0, 20),
    ...result.details,
  ]) {
    console.log(`${kind}:   ${line}`);
  }

  if (!values.keep) {
    rmSync(dataDir, { recursive: true, force: true });
    if (kind === 'postgres') {
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    }
  }
  const line = `transfers acknowledged ${result.acknowledged}, crashes ${crashes}, lost ${result.lost}, duplicated ${result.duplicated}, unbalanced ${result.unbalanced}, limits exceeded ${result.limitsExceeded}`;
  const ok =
    result.lost + result.duplicated + result.unbalanced + result.limitsExceeded === 0 &&
    secrets.found.length === 0;
  return { line: `${kind}: ${line}`, ok };
}

const seed = Number(values.seed);
let ok = true;
for (const kind of stores) {
  const result = await soak(kind, seed);
  console.log(result.line);
  ok &&= result.ok;
}
process.exit(ok ? 0 : 1);
