import { Worker } from 'node:worker_threads';

// A checkpoint copies the WAL into the database file and syncs both: tens of milliseconds
// under load. `node:sqlite` is synchronous, so on the writer's connection it would stall
// every request; a connection of its own on a worker thread runs it beside the writer
// (WAL lets a PASSIVE checkpoint and a writer proceed together).
const WORKER = `
const { DatabaseSync } = require('node:sqlite');
const { parentPort, workerData } = require('node:worker_threads');
const db = new DatabaseSync(workerData.path);
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  // A failure ends the worker ('error' below); the next checkpoint starts a new one.
  db.exec('PRAGMA wal_checkpoint(PASSIVE)');
  parentPort.postMessage('done');
});
`;

/** Commits between checkpoints: about 1 MB of WAL under the transfer workload. */
const COMMITS_PER_CHECKPOINT = 50;

/**
 * Checkpoints the WAL of the database at `path` from a worker thread, every
 * `COMMITS_PER_CHECKPOINT` commits, one at a time. The worker starts at the first
 * checkpoint, so short-lived stores (tests, CLI commands) never pay for it.
 */
export function createCheckpointer(path: string) {
  let worker: Worker | undefined;
  let running = false;
  let commits = 0;

  const start = () => {
    const started = new Worker(WORKER, { eval: true, workerData: { path } });
    // Should checkpoints keep failing, the writer's own autocheckpoint still bounds the WAL.
    started.on('message', () => {
      running = false;
    });
    started.on('error', () => {
      running = false;
      worker = undefined;
    });
    started.unref();
    return started;
  };

  return {
    /** Called after each commit. */
    committed() {
      commits++;
      if (running || commits < COMMITS_PER_CHECKPOINT) return;
      commits = 0;
      running = true;
      worker ??= start();
      worker.postMessage('checkpoint');
    },
    async close() {
      if (!worker) return;
      const exited = new Promise((resolve) => worker?.once('exit', resolve));
      // Unreferenced so an idle worker never keeps the process up; while closing it must,
      // or a process with nothing else to do exits, code 0, in the middle of `close()`.
      worker.ref();
      worker.postMessage('close');
      await exited;
      worker = undefined;
    },
  };
}
