// Runs every snippet of docs/quickstart.md as written (only the ports change, to free ones):
// the key pair, `settle serve` with it, the token endpoint, the SDK script, and the page with
// the components in Chromium. docs/quickstart.fr.md must hold the same code. The @settle
// packages are installed as from npm: only the files their tarballs ship.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../apps/demo/src/testing/demo-servers.js';
import { chromiumLaunchOptions } from '../chromium.mjs';
import { type CodeBlock, codeBlocks } from './markdown.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(repo, path), 'utf8');
const english = codeBlocks(read('docs/quickstart.md'));
const french = codeBlocks(read('docs/quickstart.fr.md'));

const dir = mkdtempSync(join(tmpdir(), 'settle-quickstart-'));
// The snippets run with Node 24 (this test's), whatever `node` is first on the machine's PATH.
const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` };
const running: ChildProcess[] = [];
let ports: { settle: number; chat: number };

/** The name of a snippet's file, failing when the quickstart lost that snippet. */
const file = (name: string) => {
  if (!english.some((b) => b.file === name)) throw new Error(`docs/quickstart.md lost ${name}`);
  return name;
};

const run = (script: string) => promisify(execFile)(process.execPath, [script], { cwd: dir, env });

/** Starts a snippet in its own process group, so that stopping it stops what it started. */
function start(command: string, args: string[]) {
  const child = spawn(command, args, {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  running.push(child);
  return { child, output: () => output };
}

async function waitFor(url: string, what: string, output: () => string) {
  for (let i = 0; i < 150; i++) {
    if (
      await fetch(url).then(
        (res) => res.status < 500,
        () => false,
      )
    )
      return;
    await sleep(100);
  }
  throw new Error(`${what} did not answer on ${url}:\n${output()}`);
}

/**
 * `dir/node_modules` as `npm install` of the three packages leaves it: each @settle package
 * holds only what `npm pack` puts in its tarball, and `settle` is its bin; their
 * dependencies are the repository's.
 */
async function installPacked() {
  const modules = join(dir, 'node_modules');
  for (const entry of readdirSync(join(repo, 'node_modules'))) {
    if (entry === '@settle' || entry === '.bin') continue;
    symlinkSync(join(repo, 'node_modules', entry), join(modules, entry), 'dir');
  }
  for (const name of ['sdk', 'elements', 'server']) {
    const source = join(repo, 'packages', name);
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json'], {
      cwd: source,
      env,
    });
    const [{ files }] = JSON.parse(stdout) as [{ files: { path: string }[] }];
    for (const { path } of files) cpSync(join(source, path), join(modules, '@settle', name, path));
  }
  mkdirSync(join(modules, '.bin'));
  symlinkSync('../@settle/server/bin/settle.js', join(modules, '.bin', 'settle'));
  chmodSync(join(modules, '@settle/server/bin/settle.js'), 0o755);
}

beforeAll(async () => {
  ports = { settle: await freePort(), chat: await freePort() };
  mkdirSync(join(dir, 'node_modules'));
  await installPacked();
  for (const block of english) {
    if (!block.file) continue;
    const code = block.code
      .replace(/\b8787\b/g, String(ports.settle))
      .replace(/\b3000\b/g, String(ports.chat));
    const path = join(dir, block.file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, code);
  }
}, 60_000);

afterAll(async () => {
  // `bash start-settle.sh` runs npx, which runs `settle serve`: signal the whole group.
  for (const child of running) {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // The group has already ended.
    }
  }
  for (const url of [
    `http://localhost:${ports.settle}/healthz`,
    `http://localhost:${ports.chat}/`,
  ]) {
    for (
      let i = 0;
      i < 100 &&
      (await fetch(url).then(
        () => true,
        () => false,
      ));
      i++
    ) {
      await sleep(100);
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('docs/quickstart.md', { timeout: 60_000 }, () => {
  it('runs every snippet but the install line, which names every package they import', () => {
    const unnamed = english.filter((b) => !b.file);
    expect(unnamed).toHaveLength(1);
    const install = (unnamed[0] as CodeBlock).code;
    expect(install).toMatch(/^npm install /m);
    const imported = new Set(
      english
        .flatMap((b) => [...b.code.matchAll(/from '((?:@[\w-]+\/)?[\w-]+)[^']*'/g)])
        .map((m) => m[1] as string)
        .filter((name) => !name.startsWith('node')),
    );
    // The server runs with `npx settle`, and the page loads the elements' bundle from a path.
    const needed = [...imported, '@settle/server', '@settle/elements'].sort();
    const installed = install
      .replace(/^[\s\S]*npm install /, '')
      .trim()
      .split(/\s+/)
      .sort();
    expect(installed).toEqual(needed);
    for (const name of needed) {
      expect(existsSync(join(dir, 'node_modules', name, 'package.json'))).toBe(true);
    }
  });

  it('makes a key pair: the private key readable by its owner only, the public set for Settle', async () => {
    await run(file('make-keys.mjs'));
    expect(statSync(join(dir, 'platform-key.json')).mode & 0o777).toBe(0o600);
    const jwks = JSON.parse(readFileSync(join(dir, 'platform-jwks.json'), 'utf8'));
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', kid: 'chat-2025-01' });
    expect(jwks.keys[0].d).toBeUndefined();
  });

  it('starts Settle with the public key, and the chat server minting tokens it accepts', async () => {
    const settle = start('bash', [file('start-settle.sh')]);
    await waitFor(`http://localhost:${ports.settle}/healthz`, 'settle serve', settle.output);
    const chat = start(process.execPath, [file('server.mjs')]);
    await waitFor(`http://localhost:${ports.chat}/api/settle-token`, 'server.mjs', chat.output);

    const token = await (await fetch(`http://localhost:${ports.chat}/api/settle-token`)).text();
    const account = await fetch(`http://localhost:${ports.settle}/v1/account`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(account.status).toBe(200);
    expect(await account.json()).toMatchObject({ userId: 'alice', status: 'new' });
    // A token signed by another key is refused.
    const forged = token.replace(/\.[^.]+$/, '.AAAA');
    const refused = await fetch(`http://localhost:${ports.settle}/v1/account`, {
      headers: { Authorization: `Bearer ${forged}` },
    });
    expect(refused.status).toBe(401);
  });

  it('runs the SDK script: both set up payments, and Alice pays Bob 12.50 €; and again', async () => {
    // (French formatting groups with a narrow no-break space.)
    const lines = async () =>
      (await run(file('try-sdk.mjs'))).stdout
        .replace(/[\u00a0\u202f]/g, ' ')
        .trim()
        .split('\n');
    const paid = 'alice → bob: 12,50 €, completed';
    expect(await lines()).toEqual(['active', 'completed', paid]);
    // Run again, as a reader trying things does: the set-up is kept, and Alice pays once more.
    expect(await lines()).toEqual(['active', 'completed', paid, paid]);
  });

  it('shows the components in the page: set up, the history, and the send dialog', async () => {
    const browser = await chromium.launch(chromiumLaunchOptions);
    try {
      const page = await browser.newPage({ locale: 'en-US' });
      await page.goto(`http://localhost:${ports.chat}/`);
      await page.getByRole('heading', { name: 'Payments are set up' }).waitFor();
      const payment = page.getByRole('list', { name: 'Payments' }).getByRole('listitem');
      await payment.getByText('€12.50').first().waitFor();
      expect(await payment.count()).toBe(2);
      await page.getByRole('button', { name: 'Send money' }).click();
      await page.getByRole('dialog', { name: 'Send money to bob' }).waitFor();
    } finally {
      await browser.close();
    }
  });
});

describe('docs/quickstart.fr.md', () => {
  it('has the same code as the English quickstart, so its snippets are the ones tested', () => {
    expect(french.map((b) => b.code)).toEqual(english.map((b) => b.code));
  });
});
