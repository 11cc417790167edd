import { maskCardNumbers } from './mask.js';

/** How often each refused origin may be logged again. */
const REFUSED_ORIGINS_MS = 3600_000;
/** Lines at most per hour, whatever Origin headers are sent. */
const REFUSED_ORIGINS_MAX = 100;

/**
 * Logs `origin.refused` for an origin the API refused: a page of it only sees network errors
 * ("Settle could not be reached"), so the server says why. Once per origin an hour, at most
 * 100 an hour (100 made-up ones only hold back a real one's line until the hour ends), and
 * only for origins a browser sends (scheme://host[:port]), not arbitrary text.
 */
export function refusedOriginLog(log: (line: Record<string, unknown>) => void, now: () => number) {
  let logged = new Set<string>();
  let since = now();
  return (origin: string) => {
    if (now() - since >= REFUSED_ORIGINS_MS) {
      logged = new Set();
      since = now();
    }
    const wellFormed = origin.length <= 200 && URL.parse(origin)?.origin === origin;
    if (!wellFormed || logged.has(origin) || logged.size >= REFUSED_ORIGINS_MAX) return;
    logged.add(origin);
    log({
      event: 'origin.refused',
      // A host name can hold a card number (only that: ports must stay readable).
      origin: maskCardNumbers(origin),
      reason: 'Not an allowed origin (SETTLE_ALLOWED_ORIGINS): the browser blocks its calls.',
    });
  };
}
