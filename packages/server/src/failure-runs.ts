import { StoreUnavailableError } from './store/store.js';

type Log = (line: Record<string, unknown>) => void;

/**
 * Logs a background loop's failures once per run of them, then its recovery: while the
 * database is down a loop fails every second, and a line each time would bury the log.
 */
export function failureRuns(
  log: Log,
  events: { failed: string; recovered: string },
  now: () => number,
) {
  let failures = 0;
  let since = 0;
  return {
    failed(error: unknown) {
      if (failures++ > 0) return;
      since = now();
      log({
        event: events.failed,
        error: error instanceof Error ? error.name : typeof error,
        // A store's reason is a fixed word (no_answer); other messages may quote input.
        ...(error instanceof StoreUnavailableError ? { reason: error.reason } : {}),
      });
    },
    succeeded() {
      if (failures === 0) return;
      log({ event: events.recovered, failures, afterMs: now() - since });
      failures = 0;
    },
  };
}
