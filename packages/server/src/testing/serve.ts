import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { captureLog } from './log-capture.js';

/** The built `settle` command (tests that run it need `npm run build` first). */
export const cli = join(import.meta.dirname, '../../dist/node/cli.js');

export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

export interface RunningServe {
  process: ChildProcess;
  port: number;
  /** The exit code, once the process is gone. */
  exited: Promise<number | null>;
}

/**
 * Runs `settle serve` on a free port and the data folder `dataDir`, as an operator would, and
 * resolves once it listens. Its log output joins the scan for secrets that ends the test run.
 */
export async function startServe(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<RunningServe> {
  const port = await freePort();
  const child = spawn(process.execPath, [cli, 'serve', '--port', String(port), '--data', dataDir], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.stdout?.on('data', (chunk: Buffer) => captureLog(chunk.toString()));
  child.stderr?.pipe(process.stderr);
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`settle serve exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('"event":"listening"')) resolve();
    });
  });
  return { process: child, port, exited };
}
