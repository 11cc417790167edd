import type { Availability } from '../cards/sandbox-cards.js';

const DAY = 24 * 3600 * 1000;

/**
 * When paid-out money becomes available on the recipient's card: at once for instant
 * (push-to-card) cards, else after N business days, weekends skipped (UTC; bank holidays
 * are the real processor's business).
 */
export function availableAt(paidAt: number, availability: Availability): number {
  if (availability.kind === 'instant') return paidAt;
  let at = paidAt;
  let left = availability.days;
  while (left > 0) {
    at += DAY;
    const weekday = new Date(at).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return at;
}
