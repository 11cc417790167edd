// A real `settle serve` child process that the soak kills with SIGKILL and starts again.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../packages/server/bin/settle.js', import.meta.url));

export const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/**
 * `settle serve` on a fixed port, restartable. Everything it prints (its JSON log lines
 * included) is appended to `logPath`, so the soak can look for secrets in it afterwards.
 */
export function settleServer({ port, dataDir, env, logPath, bin = cli }) {
  const log = createWriteStream(logPath, { flags: 'a' });
  let child;

  async function start() {
    child = spawn(process.execPath, [bin, 'serve', '--port', String(port), '--data', dataDir], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const current = child;
    current.stdout.pipe(log, { end: false });
    current.stderr.pipe(log, { end: false });
    await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('settle serve did not start in 30 s')),
        30_000,
      );
      const onExit = (code) => {
        clearTimeout(timer);
        reject(new Error(`settle serve exited with ${code} while starting (see ${logPath})`));
      };
      current.once('exit', onExit);
      let seen = '';
      current.stdout.on('data', function ready(chunk) {
        seen = (seen + chunk.toString()).slice(-4096);
        if (!seen.includes('"event":"listening"')) return;
        current.stdout.off('data', ready);
        current.off('exit', onExit);
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Stops the process with `signal` and waits until it is gone. */
  async function stop(signal) {
    const current = child;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill(signal);
    await exited;
  }

  return {
    start,
    /** A crash: no shutdown, no flush, connections cut mid-request. */
    kill: () => stop('SIGKILL'),
    /** A clean stop, as `settle serve` gets from its supervisor. */
    terminate: () => stop('SIGTERM'),
    close: () => new Promise((resolve) => log.end(resolve)),
  };
}
