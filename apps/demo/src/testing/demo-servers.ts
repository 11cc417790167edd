import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface RunningDemo {
  /** The demo page, as `npm start` prints it. */
  url: string;
  /** The Settle server beside it. */
  settleUrl: string;
  dataDir: string;
  stop(): Promise<void>;
}

const serverScript = fileURLToPath(new URL('../../dist/server.js', import.meta.url));

/**
 * Starts the built demo exactly as `npm start` does (`node apps/demo/dist/server.js`, which
 * starts `settle serve` beside it), on free ports and a fresh data folder.
 */
export async function startDemo(): Promise<RunningDemo> {
  const [port, settlePort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'settle-demo-'));
  const child: ChildProcess = spawn(process.execPath, [serverScript], {
    env: {
      ...process.env,
      PORT: String(port),
      SETTLE_PORT: String(settlePort),
      SETTLE_DATA: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`The demo did not start:\n${output}`));
    }, 30_000);
    const read = (chunk: Buffer) => {
      output += chunk;
      const match = output.match(/open (http:\/\/\S+)/);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The demo exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    settleUrl: `http://localhost:${settlePort}`,
    dataDir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
