import type { SettleApp } from '../app.js';
import type { Store } from '../store/store.js';

/** How long requests in flight have to be answered once stopping; then they are cut. */
export const DRAIN_MS = 30_000;
/**
 * Then how long the jobs, the webhook worker and the store have to stop. Closing a
 * connection to a database host that is gone waits for TCP to give up (~15 minutes).
 */
export const STOP_MS = 10_000;

export interface Serving {
  /** An HTTP server (an HTTP/2 one has no closeAllConnections: its requests are not cut). */
  server: { close(done: () => void): unknown; closeAllConnections?: () => void };
  app: Pick<SettleApp, 'drain'>;
  jobs: { stop(): Promise<void> };
  webhooks: { stop(): Promise<void> };
  store: Pick<Store, 'close'>;
  log?: ((line: Record<string, unknown>) => void) | undefined;
}

/**
 * Stops serving, bounded: no new connections, live event streams end (their clients resume
 * elsewhere), requests in flight are answered (those still running after DRAIN_MS are cut),
 * then the background work and the store stop within STOP_MS. Resolves to the exit code: 1 if
 * it gave up waiting (logged as `shutdown.incomplete`, naming what it waited for). Giving up is
 * a crash as far as the data goes: nothing uncommitted was acknowledged, and what was cut
 * halfway is resumed by the jobs of any process.
 *
 * @example
 * process.once('SIGTERM', async () => process.exit(await shutDown(serving)));
 */
export function shutDown({ server, app, jobs, webhooks, store, log }: Serving): Promise<number> {
  app.drain();
  let cut: NodeJS.Timeout | undefined;
  const drained = new Promise<void>((resolve) => {
    // Each connection closes once its request is answered.
    server.close(() => resolve());
    cut = setTimeout(() => {
      server.closeAllConnections?.();
      resolve();
    }, DRAIN_MS);
  });
  return drained.then(() => {
    clearTimeout(cut);
    const waiting = new Set(['webhooks', 'jobs', 'store']);
    const stopping = (name: string, stop: () => Promise<void>) =>
      stop().then(() => void waiting.delete(name));
    const stopped = Promise.all([
      stopping('webhooks', () => webhooks.stop()),
      stopping('jobs', () => jobs.stop()),
    ])
      .then(() => stopping('store', () => store.close()))
      .then(
        () => 0,
        (error: Error) => {
          log?.({ event: 'shutdown.failed', error: error.name });
          return 1;
        },
      );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        log?.({ event: 'shutdown.incomplete', waiting: [...waiting] });
        resolve(1);
      }, STOP_MS);
    });
    return Promise.race([stopped, late]).finally(() => clearTimeout(timer));
  });
}
