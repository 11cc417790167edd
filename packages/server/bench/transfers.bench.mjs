// `npm run bench`: authenticated, idempotent transfers on the embedded store under 64
// connections, against a bare Hono JSON POST on the same machine and the same endpoint
// writing one row through Settle's store (the floor of any durable write); then transfers
// with a 200 ms sandbox card network. Prints figures; asserts nothing (docs/performance.md).
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

const CONNECTIONS = 64;
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const USERS = 64;
const here = new URL('.', import.meta.url).pathname;

function start(script, arg) {
  const child = fork(`${here}${script}`, arg ? [JSON.stringify(arg)] : [], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve) =>
    child.once('message', ({ port }) => resolve({ child, url: `http://127.0.0.1:${port}` })),
  );
}

/** CPU time (user + system, µs) the server process has used so far. */
const cpuOf = (child) =>
  new Promise((resolve) => {
    const onMessage = (m) => {
      if (!m.cpu) return;
      child.off('message', onMessage);
      resolve(m.cpu.user + m.cpu.system);
    };
    child.on('message', onMessage);
    child.send('cpu');
  });

/** Drives `child`'s server, and adds the server's CPU time per 2xx answer to the result. */
async function run(child, opts) {
  const before = await cpuOf(child);
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION, ...opts });
  result.cpuPerRequest = ((await cpuOf(child)) - before) / Math.max(1, result['2xx']);
  return result;
}

async function enrollUsers(url, sign) {
  const tokens = [];
  const call = async (token, method, path, body) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        'Content-Type': 'application/json',
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return res.json();
  };
  for (let i = 0; i < USERS; i++) {
    const token = await sign(`user${i}`);
    const phone = `+3361${String(i).padStart(7, '0')}`;
    await call(token, 'PUT', '/v1/account/profile', {
      legalName: 'Bench User',
      country: 'FR',
      phone,
    });
    const card = await call(null, 'POST', '/v1/card-tokens', {
      number: '4000002500000003',
      expMonth: 12,
      expYear: 2040,
      cvc: '123',
    });
    await call(token, 'POST', '/v1/account/card', { token: card.token });
    await call(token, 'PUT', '/v1/account/pin', { pin: '914273' });
    const sms = await call(null, 'GET', '/dev/sms');
    const code = sms.data.find((m) => m.phone === phone).body.match(/\d{6}/)[0];
    const done = await call(token, 'POST', '/v1/account/verification/check', { code });
    if (done.status !== 'active') throw new Error(`enrollment failed: ${JSON.stringify(done)}`);
    tokens.push(token);
  }
  return tokens;
}

// With a 200 ms network each connection finishes only about two transfers a second, all in
// step, so the ones still in flight when the run stops would weigh several percent: that
// run lasts three times as long.
const durationFor = (latencyMs) => (latencyMs > 0 ? 3 * DURATION : DURATION);

const WATCHED = 8;

/**
 * Reads the live events of the first WATCHED users, as their open pages would, and keeps
 * how long after its change (the event's createdAt, taken in the transaction) each arrived.
 */
function watchEvents(url, tokens) {
  const delays = [];
  const abort = new AbortController();
  const read = async (token) => {
    const res = await fetch(`${url}/v1/events`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: abort.signal,
    });
    const events = res.body
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(new EventSourceParserStream());
    for await (const event of events) {
      if (event.event === 'transfer.updated')
        delays.push(Date.now() - Date.parse(JSON.parse(event.data).createdAt));
    }
  };
  const failures = [];
  const reading = tokens.slice(0, WATCHED).map((token) =>
    read(token).catch((error) => {
      if (!abort.signal.aborted) failures.push(error);
    }),
  );
  return {
    delays,
    failures,
    async stop() {
      abort.abort();
      await Promise.all(reading);
    },
  };
}

async function transfers(latencyMs, sign, jwk) {
  const { child, url } = await start('bench-server.mjs', { jwk, latencyMs });
  try {
    const tokens = await enrollUsers(url, sign);
    const watch = watchEvents(url, tokens);
    let n = 0;
    const result = await run(child, {
      duration: durationFor(latencyMs),
      url: `${url}/v1/transfers`,
      method: 'POST',
      requests: [
        {
          setupRequest: (req) => {
            const from = n++ % USERS;
            const to = (from + 1 + (n % (USERS - 1))) % USERS;
            req.headers = {
              Authorization: `Bearer ${tokens[from]}`,
              'Content-Type': 'application/json',
              'Idempotency-Key': randomUUID(),
            };
            req.body = JSON.stringify({
              recipientId: `user${to}`,
              amount: { value: 100 + (n % 2000), currency: 'EUR' },
            });
            return req;
          },
        },
      ],
    });
    await watch.stop();
    result.eventDelays = watch.delays.sort((a, b) => a - b);
    result.streamError = watch.failures[0]?.message;
    return result;
  } finally {
    child.kill();
  }
}

const summary = (r) => ({
  rps: r.requests.average,
  p50: r.latency.p50,
  p99: r.latency.p99,
  ok: r['2xx'],
  other: r.non2xx + r.errors + r.timeouts,
  cpu: r.cpuPerRequest,
  events: r.eventDelays,
  streamError: r.streamError,
});

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const eventLine = (name, s) =>
  s.events.length === 0
    ? `${name.padEnd(34)} no events arrived: ${s.streamError ?? 'the streams stayed silent'}`
    : `${name.padEnd(34)} ${String(s.events.length).padStart(7)} events   p50 ${String(percentile(s.events, 0.5)).padStart(4)} ms   p99 ${String(percentile(s.events, 0.99)).padStart(5)} ms   max ${percentile(s.events, 1)} ms (target: within 1 s)`;

const { privateKey, publicKey } = await generateKeyPair('ES256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256' };
const sign = (sub) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: 'bench' })
    .setIssuer('bench.example')
    .setAudience('settle')
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(privateKey);

async function echo(script) {
  const { child, url } = await start(script);
  try {
    return summary(
      await run(child, {
        url: `${url}/echo`,
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ recipientId: 'user1', amount: { value: 2000, currency: 'EUR' } }),
      }),
    );
  } finally {
    child.kill();
  }
}

const hono = await echo('bare-hono.mjs');
const insert = await echo('durable-insert.mjs');
const settle = summary(await transfers(0, sign, jwk));
const slow = summary(await transfers(200, sign, jwk));
// Each transfer makes two network calls (charge, then payout), each 200 ms.
const ceiling = CONNECTIONS / 0.4;

const line = (name, s) =>
  `${name.padEnd(34)} ${s.rps.toFixed(0).padStart(7)} req/s   p50 ${String(s.p50).padStart(4)} ms   p99 ${String(s.p99).padStart(5)} ms   server CPU ${s.cpu.toFixed(0).padStart(5)} µs/req   2xx ${s.ok}   other ${s.other}`;
console.log(
  `${CONNECTIONS} connections, ${DURATION} s each (${durationFor(200)} s with the 200 ms network), ${USERS} users, node ${process.version}`,
);
console.log(line('bare Hono JSON POST', hono));
console.log(line('bare Hono + one durable insert', insert));
console.log(line('Settle transfers (sqlite, synced)', settle));
console.log(line('Settle transfers, 200 ms network', slow));
console.log(eventLine('live events seen, from the change', settle));
console.log(eventLine('  the same, 200 ms network', slow));
console.log(`ratio to bare Hono: ${(settle.rps / hono.rps).toFixed(2)} (target >= 0.5)`);
console.log(`one durable insert alone: ${(insert.rps / hono.rps).toFixed(2)} of bare Hono`);
// Steadier than req/s on a shared machine: what each answer cost the server process.
console.log(`server CPU per transfer: ${(settle.cpu / hono.cpu).toFixed(1)} x a bare Hono request`);
console.log(
  `with 200 ms network: ${slow.rps.toFixed(0)}/s of a ${ceiling.toFixed(0)}/s ceiling (${CONNECTIONS} connections / 2 x 200 ms) = ${((100 * slow.rps) / ceiling).toFixed(0)} % (target >= 90 %)`,
);
