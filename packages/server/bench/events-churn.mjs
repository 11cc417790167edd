// Memory under live-event churn: one user token opens streams in rounds, each new one closing
// the oldest (10 at most per user), as a script attacking the server would. After each round,
// the server's memory after a full GC: heap and external must stay flat; RSS levels off.
// Usage: node bench/events-churn.mjs [rounds = 10] [streams per round = 2000]
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

const [rounds = 10, perRound = 2000] = process.argv.slice(2).map(Number);
const CONCURRENCY = 20;
const { privateKey, publicKey } = await generateKeyPair('ES256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256', use: 'sig' };
const server = fork(
  new URL('./events-churn-server.mjs', import.meta.url),
  [JSON.stringify({ jwk })],
  {
    execArgv: ['--expose-gc'],
  },
);
const [{ port }] = await once(server, 'message');
const token = await new SignJWT({})
  .setProtectedHeader({ alg: 'ES256', kid: 'bench' })
  .setIssuer('bench.example')
  .setAudience('settle')
  .setSubject('churn')
  .setIssuedAt()
  .setExpirationTime('1h')
  .sign(privateKey);

const agent = new Agent({ keepAlive: false });
const open = new Set();
// Resolves once the stream has started; its client reads it to the end, then closes.
const openStream = () =>
  new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/events',
        agent,
        headers: { Authorization: `Bearer ${token}` },
      },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}`));
        open.add(req);
        res.once('data', resolve);
        res.on('end', () => {
          open.delete(req);
          req.destroy();
        });
        res.resume();
      },
    );
    req.on('error', reject);
    req.end();
  });
const memory = async () => {
  server.send('memory');
  const [{ memory: m }] = await once(server, 'message');
  const mb = (n) => (n / 2 ** 20).toFixed(1).padStart(6);
  return `RSS ${mb(m.rss)} MB, heap ${mb(m.heapUsed)} of ${mb(m.heapTotal)} MB, external ${mb(m.external)} MB, array buffers ${mb(m.arrayBuffers)} MB`;
};

console.log(`before      ${await memory()}`);
for (let round = 1; round <= rounds; round++) {
  let left = perRound;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (left-- > 0) await openStream();
    }),
  );
  for (const req of open) req.destroy();
  await delay(500);
  console.log(`round ${String(round).padStart(3)}   ${await memory()}`);
}
server.kill();
