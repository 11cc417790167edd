// `node scripts/pg-failover.mjs --pgdata /tmp/pg --pgport 5499 [--minutes 4] [--seed 1]
//   [--only restart,stop,exhaust,lock,burst,kill] [--old-cli <previous release>/bin/settle.js]`
//
// An operator's failure pass on PostgreSQL: two `settle serve` processes share one database
// (a schema of their own, both starting at once) under the soak's bank workload, each request
// going to either process, while SSE subscribers on both follow a few users and a webhook
// receiver records what it is sent. Meanwhile, on a THROWAWAY cluster (`--pgdata`, which this
// script restarts: never point it at a shared one):
//   0. with --old-cli, both processes first run the previous release, then both stop and the
//      current release starts on its database, both at once (their migrations race);
//   1. PostgreSQL restarts (pg_ctl restart -m fast);
//   2. PostgreSQL stops for 20 s, then starts;
//   3. other clients take every connection PostgreSQL has left, for 15 s;
//   4. the transfers table is locked (ACCESS EXCLUSIVE) for 15 s;
//   5. 300 transfers and 300 reads at once on one process (a pool has 10 connections);
//   6. one server is killed with SIGKILL while the other keeps going (and started later).
// During each, both servers are probed (GET /healthz, /v1/account, /v1/transfers) for how
// they answer; at the end every acknowledged key is verified from the store
// (scripts/soak/verify.mjs), every SSE subscriber must have received every event of its
// user, once and in order, and the receiver every webhook message. Prints figures, and exits
// 1 when anything was lost, duplicated or unbalanced, a 500 was answered, a probe hung, an
// event or a webhook was missed, or a secret reached the servers' log.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { openStore } from '@settle/server/node';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import pg from 'pg';
import { soakClient, soakPlatform, soakStats } from './soak/client.mjs';
import { freePort, settleServer } from './soak/server.mjs';
import { secretsInLog, untilSettled, verifySoak } from './soak/verify.mjs';
import { bankWorkload, prng, SOAK_CARDS } from './soak/workload.mjs';

const { values } = parseArgs({
  options: {
    pgdata: { type: 'string' },
    pgport: { type: 'string', default: '5499' },
    pgbin: { type: 'string', default: '/usr/lib/postgresql/15/bin' },
    minutes: { type: 'string', default: '4' },
    payers: { type: 'string', default: '10' },
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    only: { type: 'string', default: 'restart,stop,exhaust,lock,burst,kill' },
    latency: { type: 'string', default: '200' },
    // The bin/settle.js of the previous release: both processes run it first, then both are
    // stopped and the current release starts on its database, both processes at once.
    'old-cli': { type: 'string' },
  },
});
if (!values.pgdata) {
  console.error('Usage: node scripts/pg-failover.mjs --pgdata <throwaway cluster> [--pgport 5499]');
  process.exit(2);
}
const phases = values.only.split(',');
const pgUrl = `postgres://postgres@127.0.0.1:${values.pgport}/postgres`;
const asRoot = process.getuid?.() === 0;

function pgCtl(...args) {
  const argv = [
    `${values.pgbin}/pg_ctl`,
    '-D',
    values.pgdata,
    '-o',
    `"-p ${values.pgport} -k /tmp"`,
    '-l',
    `${values.pgdata}.log`,
    '-w',
    ...args,
  ];
  const line = argv.join(' ');
  // initdb and pg_ctl refuse to run as root.
  if (asRoot) execFileSync('su', ['postgres', '-c', line], { stdio: 'ignore' });
  else execFileSync('sh', ['-c', line], { stdio: 'ignore' });
}

const seed = Number(values.seed);
const random = prng(seed);
const platform = await soakPlatform();
const schema = `settle_failover_${randomBytes(5).toString('hex')}`;
// The platform's webhook receiver: every message id it was sent.
const hooks = new Set();
const receiver = createServer((req, res) => {
  hooks.add(req.headers['webhook-id']);
  req.resume();
  req.on('end', () => res.end('ok'));
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const env = {
  ...platform.env,
  DATABASE_URL: pgUrl,
  SETTLE_PG_SCHEMA: schema,
  SETTLE_SANDBOX_LATENCY_MS: values.latency,
  SETTLE_WEBHOOK_URL: `http://127.0.0.1:${receiver.address().port}/hooks`,
  SETTLE_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
};
const dataDir = mkdtempSync(join(tmpdir(), 'settle-failover-'));
const logPath = join(dataDir, 'server.log');
const ports = [await freePort(), await freePort()];
const oldCli = values['old-cli'];
const servers = ports.map((port) =>
  settleServer({ port, dataDir, env, logPath, ...(oldCli ? { bin: oldCli } : {}) }),
);
const bases = ports.map((port) => `http://127.0.0.1:${port}`);
const stats = soakStats();
const clients = bases.map((base) => soakClient({ base, platform, stats }));
const up = [true, true];
// Each request goes to either process that is up, as a load balancer would send it.
const request = (...args) => {
  const live = [0, 1].filter((i) => up[i]);
  return clients[live.length ? live[random(live.length)] : 0](...args);
};
const workload = bankWorkload({ request, random, prefix: `f${seed}` });

// Answers by phase: status (0 = no answer within the probe's timeout) -> count, and the
// slowest answer.
const phase = { name: 'warm-up' };
const byPhase = new Map();
const note = (status, ms, code) => {
  const p = byPhase.get(phase.name) ?? { statuses: {}, codes: {}, slowest: 0 };
  byPhase.set(phase.name, p);
  p.statuses[status] = (p.statuses[status] ?? 0) + 1;
  if (code) p.codes[code] = (p.codes[code] ?? 0) + 1;
  p.slowest = Math.max(p.slowest, ms);
};
const PROBE_TIMEOUT_MS = 12_000;
let probing = true;
async function prober(i, path, as) {
  while (probing) {
    const started = performance.now();
    let status = 0;
    let code;
    try {
      const headers = as ? { Authorization: `Bearer ${await platform.tokenFor(as)}` } : {};
      const res = await fetch(`${bases[i]}${path}`, {
        headers,
        signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      });
      status = res.status;
      const body = await res.json().catch(() => undefined);
      code = body?.error?.code ?? body?.status;
    } catch (error) {
      code = error.name;
    }
    if (up[i]) note(`${path.split('?')[0]} ${status}`, performance.now() - started, code);
    await sleep(250);
  }
}

// SSE subscribers: users followed on both processes from Last-Event-ID 0, reconnecting
// (with the last id) whenever a stream ends, as EventSource does.
const subscribers = [];
function subscribe(userId, i) {
  const sub = { userId, server: i, seqs: [], connects: 0, latencies: [], stopped: false };
  subscribers.push(sub);
  const controller = new AbortController();
  sub.stop = () => {
    sub.stopped = true;
    controller.abort();
  };
  (async () => {
    while (!sub.stopped) {
      if (!up[i]) {
        await sleep(500);
        continue;
      }
      try {
        const last = sub.seqs.at(-1) ?? 0;
        const res = await fetch(`${bases[i]}/v1/events`, {
          headers: {
            Authorization: `Bearer ${await platform.tokenFor(userId)}`,
            'Last-Event-ID': String(last),
          },
          signal: controller.signal,
        });
        if (!res.ok || !res.body) {
          await res.body?.cancel();
          await sleep(1000);
          continue;
        }
        sub.connects++;
        const reader = res.body
          .pipeThrough(new TextDecoderStream())
          .pipeThrough(new EventSourceParserStream())
          .getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          if (!value.id || !value.event) continue;
          sub.seqs.push(Number(value.id));
          const created = JSON.parse(value.data).createdAt;
          sub.latencies.push({ at: Date.now(), ms: Date.now() - Date.parse(created) });
        }
      } catch {}
      await sleep(500);
    }
  })();
}

const health = async (i) => {
  const res = await fetch(`${bases[i]}/healthz`).catch(() => undefined);
  return res?.status;
};
async function untilHealthy(label) {
  const t = Date.now();
  for (;;) {
    const statuses = await Promise.all([0, 1].map((i) => (up[i] ? health(i) : 200)));
    if (statuses.every((s) => s === 200)) break;
    if (Date.now() - t > 90_000) {
      console.log(`${label}: not healthy 90 s later: ${statuses.join(', ')} (see ${logPath})`);
      process.exit(1);
    }
    await sleep(100);
  }
  console.log(`${label}: both processes healthy again after ${Date.now() - t} ms`);
}

// ---- run ----
console.log(
  `failover: seed ${seed}, schema ${schema}, servers ${ports.join(', ')}, log ${logPath}`,
);
if (oldCli) {
  // Releases before ab41fa5 could not create a schema from two processes at once.
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
}
// Both start at once on an empty schema: their migrations race.
await Promise.all(servers.map((s) => s.start()));
const versions = async () =>
  (await store.all('SELECT version FROM settle_migrations ORDER BY version'))
    .map((r) => r.version)
    .join(',');
const store = await openStore(dataDir, env);
const running = workload.run({ payers: Number(values.payers), enrollers: 2 });
const minutes = Number(values.minutes);
const started = Date.now();

// Wait for a few active users to follow.
while (workload.users.size < 4 || [...workload.users.values()].filter((u) => u.limits).length < 3)
  await sleep(500);
const followed = [...workload.users.values()].filter((u) => u.limits).slice(0, 3);
for (const u of followed) for (const i of [0, 1]) subscribe(u.id, i);
const probes = [0, 1].flatMap((i) => [
  prober(i, '/healthz'),
  prober(i, '/v1/account', followed[0].id),
  prober(i, '/v1/transfers?limit=5', followed[1].id),
]);
await sleep(15_000);

if (oldCli) {
  // An upgrade: the previous release stops, the current one starts, both processes at once.
  phase.name = 'upgrade';
  const before = await versions();
  up[0] = up[1] = false;
  await Promise.all(servers.map((s) => s.terminate()));
  for (const i of [0, 1]) servers[i] = settleServer({ port: ports[i], dataDir, env, logPath });
  await Promise.all(servers.map((s) => s.start()));
  up[0] = up[1] = true;
  console.log(`upgrade: migrations ${before} -> ${await versions()}, both processes started`);
  await untilHealthy('upgrade');
  phase.name = 'after upgrade';
  await sleep(15_000);
}

if (phases.includes('restart')) {
  phase.name = 'pg restart';
  const t = Date.now();
  pgCtl('restart', '-m', 'fast');
  console.log(`pg restart: pg_ctl restart took ${Date.now() - t} ms`);
  await untilHealthy('pg restart');
  await sleep(3000);
  phase.name = 'after restart';
  await sleep(20_000);
}

if (phases.includes('stop')) {
  phase.name = 'pg down 20 s';
  pgCtl('stop', '-m', 'fast');
  await sleep(20_000);
  phase.name = 'pg starting';
  pgCtl('start');
  await untilHealthy('pg stop/start');
  await sleep(3000);
  phase.name = 'after stop/start';
  await sleep(20_000);
}

if (phases.includes('exhaust')) {
  // Someone else takes every connection PostgreSQL has left: new connections are refused
  // (53300), the pools' open ones go on.
  phase.name = 'max_connections exhausted';
  const hogs = [];
  for (;;) {
    const c = new pg.Client({ connectionString: pgUrl });
    try {
      await c.connect();
      hogs.push(c);
    } catch {
      break;
    }
  }
  console.log(`exhaust: held ${hogs.length} connections for 15 s`);
  await sleep(15_000);
  await Promise.all(hogs.map((c) => c.end()));
  await untilHealthy('exhaust');
  phase.name = 'after exhaust';
  await sleep(10_000);
}

if (phases.includes('lock')) {
  // An operator (or a bad migration) holds the transfers table for 15 s.
  phase.name = 'transfers table locked';
  const locker = new pg.Client({ connectionString: pgUrl });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query(`LOCK TABLE ${schema}.transfers IN ACCESS EXCLUSIVE MODE`);
  await sleep(15_000);
  await locker.query('ROLLBACK');
  await locker.end();
  phase.name = 'after lock';
  await sleep(10_000);
}

if (phases.includes('burst')) {
  // Far more requests at once than a pool has connections (10): 300 transfers and 300 reads
  // on one process. Each must be answered, within the bounded waits.
  phase.name = 'burst on one process';
  const actives = [...workload.users.values()].filter((u) => u.limits).map((u) => u.id);
  const statuses = {};
  let slowest = 0;
  const one = async (n) => {
    const from = actives[n % actives.length];
    const to = actives[(n + 1) % actives.length];
    const entry = {
      kind: 'transfer',
      user: from,
      path: '/v1/transfers',
      body: { recipientId: to, amount: { value: 100 + n, currency: 'EUR' } },
      key: `burst-${seed}-${n}`,
    };
    workload.keyed.set(entry.key, entry);
    for (;;) {
      const t = performance.now();
      const [paid, read] = await Promise.all([
        clients[0](from, 'POST', entry.path, { body: entry.body, key: entry.key }),
        clients[0](to, 'GET', '/v1/transfers?limit=20'),
      ]);
      slowest = Math.max(slowest, performance.now() - t);
      for (const a of [paid, read]) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
      if (paid.status === 201 || paid.status === 200) entry.id = paid.body.id;
      else if (paid.status >= 400 && paid.status < 500) entry.refusal = paid.body?.error?.code;
      else {
        await sleep(1000);
        continue;
      }
      return;
    }
  };
  await Promise.all(Array.from({ length: 300 }, (_, n) => one(n)));
  console.log(
    `burst: answers ${JSON.stringify(statuses)}, slowest ${Math.round(slowest)} ms (both requests of a pair)`,
  );
  phase.name = 'after burst';
  await sleep(10_000);
}

if (phases.includes('kill')) {
  phase.name = 'one process killed';
  up[1] = false;
  await servers[1].kill();
  const inFlight = (
    await store.all("SELECT id FROM transfers WHERE step IN ('charge', 'payout', 'refund')")
  ).map((r) => r.id);
  console.log(`kill: server 2 killed with SIGKILL, ${inFlight.length} transfers in flight`);
  await sleep(30_000);
  // Before the killed process is back: the survivor's jobs must have taken them over.
  const left = inFlight.length
    ? await store.get(
        `SELECT COUNT(*) AS n FROM transfers WHERE step IN ('charge', 'payout', 'refund')
         AND id IN (${inFlight.map(() => '?').join(', ')})`,
        inFlight,
      )
    : { n: 0 };
  console.log(`kill: 30 s later, ${left.n} of them still unfinished (the survivor's jobs)`);
  await servers[1].start();
  up[1] = true;
  phase.name = 'after kill';
}

const rest = started + minutes * 60_000 - Date.now();
if (rest > 0) await sleep(rest);
phase.name = 'wind-down';
workload.stop();
await running;
await workload.wrapUp();
await untilSettled(store);
const replayed = await workload.replayAll();
let outbox;
for (let i = 0; i < 60; i++) {
  outbox = await store.get(
    `SELECT COUNT(*) AS n, SUM(CASE WHEN delivered_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END) AS pending,
       SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END) AS failed,
       SUM(CASE WHEN attempts > 1 THEN 1 ELSE 0 END) AS retried FROM webhook_outbox`,
  );
  if (Number(outbox.pending) === 0) break;
  await sleep(1000);
}
const outboxIds = (await store.all('SELECT id FROM webhook_outbox')).map((r) => r.id);
const hooksMissing = outboxIds.filter((id) => !hooks.has(id)).length;
await sleep(3000);
probing = false;
await Promise.all(probes);
for (const s of subscribers) s.stop();

// Every event of each followed user, on each process's subscriber, once and in order.
let missed = 0;
let outOfOrder = 0;
const sseLines = [];
for (const sub of subscribers) {
  const rows = await store.all('SELECT seq FROM events WHERE user_id = ? ORDER BY seq', [
    sub.userId,
  ]);
  const got = new Set(sub.seqs);
  const miss = rows.filter((r) => !got.has(Number(r.seq))).length;
  missed += miss;
  for (let k = 1; k < sub.seqs.length; k++) if (sub.seqs[k] <= sub.seqs[k - 1]) outOfOrder++;
  const late = sub.latencies.filter((l) => l.ms > 2000).length;
  const worst = Math.max(0, ...sub.latencies.map((l) => l.ms));
  sseLines.push(
    `  ${sub.userId} on server ${sub.server + 1}: ${sub.seqs.length}/${rows.length} events, ${miss} missed, ${sub.connects} connections, ${late} later than 2 s (worst ${worst} ms)`,
  );
}

await Promise.all(servers.map((s) => s.terminate()));
await Promise.all(servers.map((s) => s.close()));
const result = await verifySoak(store, workload);
const pins = [...workload.users.values()].map((u) => u.pin);
const secrets = secretsInLog(logPath, { cards: SOAK_CARDS, pins, codes: [...workload.otps] });
await store.close();

const of = (test) => stats.of(test);
console.log(
  `workload: ${stats.total()} requests (2xx ${of((s) => s >= 200 && s < 300)}, 4xx ${of((s) => s >= 400 && s < 500)}, 500 ${of((s) => s === 500)}, 503 ${of((s) => s === 503)}, other 5xx ${of((s) => s > 500 && s !== 503)}, no answer ${of((s) => s === 0)}), ${workload.counts.enrolled} enrolled, ${replayed} keys replayed`,
);
const errorCodes = {};
for (const line of stats.serverErrors) {
  const m = line.match(/^(\S+ \S+ \d+) .*"code":"([^"]+)"/);
  const k = m ? `${m[1].replace(/\/[A-Za-z0-9_-]{12,}/g, '/:id')} ${m[2]}` : line.slice(0, 60);
  errorCodes[k] = (errorCodes[k] ?? 0) + 1;
}
console.log(`workload 5xx by route and code: ${JSON.stringify(errorCodes)}`);
for (const [name, p] of byPhase) {
  console.log(
    `probes, ${name}: ${JSON.stringify(p.statuses)} codes ${JSON.stringify(p.codes)}, slowest ${Math.round(p.slowest)} ms`,
  );
}
console.log(`sse: ${missed} events missed, ${outOfOrder} out of order`);
console.log(
  `webhooks: ${outbox.n} messages, ${outbox.pending} pending, ${outbox.failed} failed, ${outbox.retried} retried, ${hooksMissing} never received`,
);
for (const line of sseLines) console.log(line);
console.log(
  `transfers ${JSON.stringify(result.byStatus)}; ledger ${result.ledger.movements} movements`,
);
console.log(`secrets in ${secrets.lines} log lines: ${secrets.found.join(', ') || 'none'}`);
for (const line of [...workload.problems.slice(0, 20), ...result.details]) console.log(`  ${line}`);
const fiveHundreds = of((s) => s === 500);
const hung = [...byPhase.values()].reduce((n, p) => n + (p.slowest >= PROBE_TIMEOUT_MS ? 1 : 0), 0);
console.log(
  `failover: transfers acknowledged ${result.acknowledged}, lost ${result.lost}, duplicated ${result.duplicated}, unbalanced ${result.unbalanced}, limits exceeded ${result.limitsExceeded}, 500s ${fiveHundreds}, hung probes ${hung}, sse missed ${missed}, webhooks missing ${hooksMissing}`,
);
const client = new pg.Client({ connectionString: pgUrl });
await client.connect();
await client.query(`DROP SCHEMA ${schema} CASCADE`);
await client.end();
receiver.close();
const ok =
  result.lost + result.duplicated + result.unbalanced + result.limitsExceeded === 0 &&
  fiveHundreds === 0 &&
  hung === 0 &&
  missed + outOfOrder + hooksMissing === 0 &&
  secrets.found.length === 0;
// The servers' log stays for a look when something was wrong.
if (ok) rmSync(dataDir, { recursive: true, force: true });
else console.log(`server log kept: ${logPath}`);
process.exit(ok ? 0 : 1);
