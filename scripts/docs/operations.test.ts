// Runs docs/operations.md's my-settle.ts as written, with stubs for what it leaves to the
// reader (the card network and the SMS gateway), against the built @settle/server: it must
// keep `settle serve`'s settings (HOST, PORT), answer, and stop on SIGTERM. And its
// DATABASE_URL must read as written.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, expect, it } from 'vitest';
import { freePort } from '../../apps/demo/src/testing/demo-servers.js';
import { captureLog } from '../../packages/server/src/testing/log-capture.js';
import { codeBlocks } from './markdown.js';

const repo = join(import.meta.dirname, '../..');
// Inside the repository, so that the snippet's imports resolve to the workspace's packages.
const dir = mkdtempSync(join(repo, 'scripts/docs/.operations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('runs my-settle.ts with the settings of settle serve, HOST included', async () => {
  const snippet = codeBlocks(readFileSync(join(repo, 'docs/operations.md'), 'utf8')).find((b) =>
    b.code.startsWith('// my-settle.ts'),
  );
  const stubs = `const yourCardNetwork = {} as import('@settle/server').Processor;
const yourSmsGateway = { send: async (_phone: string, _body: string) => {} };
`;
  writeFileSync(join(dir, 'my-settle.ts'), stubs + snippet?.code);
  const { publicKey } = await generateKeyPair('ES256');
  const port = await freePort();
  const child = spawn(process.execPath, ['my-settle.ts'], {
    cwd: dir,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      SETTLE_DATA: join(dir, 'data'),
      SETTLE_PLATFORM_ID: 'chat.example',
      SETTLE_PLATFORM_JWKS: JSON.stringify({
        keys: [{ ...(await exportJWK(publicKey)), kid: 'k' }],
      }),
      SETTLE_SECRET_KEYS: 'sk_live_aaaaaaaaaaaaaaaaaaaaaaaa',
      SETTLE_VAULT_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
      SETTLE_VAULT_ACTIVE_KEY: 'k1',
      SETTLE_HASH_SECRET: 'hash-secret-of-32-characters-ok',
      SETTLE_ALLOWED_ORIGINS: 'https://chat.example',
      // Another loopback address than the default 127.0.0.1: the snippet must listen there only.
      HOST: '127.0.0.2',
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => captureLog(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    await expect
      .poll(
        async () => {
          expect(child.exitCode, stderr).toBeNull();
          return (await fetch(`http://127.0.0.2:${port}/healthz`).catch(() => undefined))?.status;
        },
        { timeout: 15_000, interval: 200 },
      )
      .toBe(200);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
}, 30_000);

it('gives a DATABASE_URL that pg reads as written, without a security warning', async () => {
  const doc = readFileSync(join(repo, 'docs/operations.md'), 'utf8');
  const url = doc.match(/export DATABASE_URL='([^']+)'/)?.[1]?.replace('…', 'secret');
  expect(url).toMatch(/^postgres:\/\//);
  // pg warns on stderr, for every command, of an sslmode it reads otherwise than libpq.
  const { stderr } = await promisify(execFile)(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `(await import('pg-connection-string')).parse(${JSON.stringify(url)})`,
    ],
    { cwd: repo },
  );
  expect(stderr).toBe('');
});
