import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServe, startServe } from '../testing/serve.js';

const root = join(import.meta.dirname, '../../../..');

/** The shell blocks of a Markdown file, in order. */
const shellBlocks = (markdown: string) =>
  [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] as string);

describe('docs/api.md, docs/transfers.md and docs/events.md', () => {
  let dataDir: string;
  let port: number;
  let server: RunningServe;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'settle-docs-'));
    server = await startServe(dataDir);
    port = server.port;
  });
  afterAll(() => {
    server.process.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('walks a user from new to active with exactly the documented commands', async () => {
    const blocks = shellBlocks(readFileSync(join(root, 'docs/api.md'), 'utf8'));
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    const script = [
      'set -euo pipefail',
      ...blocks.map((b) => b.replaceAll('http://localhost:8787', `http://localhost:${port}`)),
      'echo; echo "--- transfers ---"',
      // One answer per line: curl prints none after the JSON.
      ...shellBlocks(readFileSync(join(root, 'docs/transfers.md'), 'utf8')).map((b) => `${b}echo`),
      'echo; echo "--- events ---"',
      // docs/events.md follows the stream forever: here, for 2 s.
      ...shellBlocks(readFileSync(join(root, 'docs/events.md'), 'utf8')).map((b) =>
        b.replace(/^curl -sN (.*)$/m, 'curl -sN --max-time 2 $1 || test $? -eq 28'),
      ),
      'echo; echo "--- account ---"',
      'curl -s "$SETTLE/v1/account" -H "Authorization: Bearer $TOKEN"',
    ].join('\n');
    const { stdout } = await promisify(execFile)('bash', ['-c', script], {
      cwd: root,
      env: {
        ...process.env,
        SETTLE_DATA: dataDir,
        PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH}`,
      },
    });
    const [, transfers, events, account] = stdout.split(
      /--- (?:transfers|events|account) ---\n/,
    ) as string[];
    // docs/transfers.md: held for Bob, canceled; PIN-confirmed for Carol; a split; a sound ledger.
    const answers = (transfers as string).split('\n').filter((l) => l.startsWith('{'));
    expect(answers.map((l) => JSON.parse(l).status ?? JSON.parse(l).data?.length)).toEqual([
      'awaiting_recipient',
      'canceled',
      'awaiting_recipient',
      2,
    ]);
    expect(transfers).toMatch(
      /^Ledger OK: \d+ movements, \d+ entries, all balanced \(the embedded store .*settle\.db\)\.$/m,
    );
    // Each enrollment step was an event, numbered from 1, then the transfers and requests.
    expect(events?.match(/^id: \d+$/gm)?.slice(0, 4)).toEqual(['id: 1', 'id: 2', 'id: 3', 'id: 4']);
    expect(events?.match(/^event: .*$/gm)?.slice(0, 4)).toEqual(
      Array(4).fill('event: account.updated'),
    );
    expect(events).toMatch(/^event: transfer\.updated$/m);
    expect(events).toMatch(/^event: request\.updated$/m);
    const last = JSON.parse(account as string);
    expect(last).toMatchObject({
      userId: 'alice',
      status: 'active',
      card: { brand: 'visa', last4: '0003' },
      profile: { country: 'FR', phone: '+33 •••••••78' },
    });
  }, 60_000);
});
