import type { Availability } from '../cards/sandbox-cards.js';

const DAY = 24 * 3600 * 1000;

const clocks = new Map<string, Intl.DateTimeFormat>();

/** What a wall clock in `timeZone` shows at `at`, as a UTC time (a plain calendar value). */
function wallClock(at: number, timeZone: string): number {
  let clock = clocks.get(timeZone);
  if (!clock) {
    clock = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    clocks.set(timeZone, clock);
  }
  const parts = clock.formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((x) => x.type === type)?.value);
  const ms = ((at % 1000) + 1000) % 1000;
  return Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
    ms,
  );
}

/** The instant the wall clock in `timeZone` shows `wall` (the offset looked up twice, for DST). */
function instantOf(wall: number, timeZone: string): number {
  const guess = wall - (wallClock(wall, timeZone) - wall);
  return wall - (wallClock(guess, timeZone) - guess);
}

/**
 * When paid-out money becomes available on the recipient's card: at once for instant
 * (push-to-card) cards, else after N business days counted on the calendar of `timeZone`
 * (the recipient's country's), weekends skipped, the local time of day kept. Bank holidays
 * are the real processor's business.
 */
export function availableAt(paidAt: number, availability: Availability, timeZone: string): number {
  if (availability.kind === 'instant') return paidAt;
  let wall = wallClock(paidAt, timeZone);
  let left = availability.days;
  while (left > 0) {
    wall += DAY;
    const weekday = new Date(wall).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return instantOf(wall, timeZone);
}
