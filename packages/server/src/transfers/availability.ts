import type { Availability } from '../cards/sandbox-cards.js';
import { type Country, countries } from '../countries.js';
import { isBankHoliday } from './bank-holidays.js';

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
 * (push-to-card) cards, else after N business days of the recipient's country's banks, counted
 * in their time zone: weekends and bank holidays skipped, the local time of day kept (UTC and
 * weekends only when the country is unknown).
 */
export function availableAt(
  paidAt: number,
  availability: Availability,
  country: Country | null,
): number {
  if (availability.kind === 'instant') return paidAt;
  const bank = country ? countries[country] : undefined;
  const timeZone = bank?.timeZone ?? 'UTC';
  let wall = wallClock(paidAt, timeZone);
  let left = availability.days;
  while (left > 0) {
    wall += DAY;
    const day = new Date(wall);
    const weekend = day.getUTCDay() === 0 || day.getUTCDay() === 6;
    if (weekend) continue;
    if (bank && isBankHoliday(bank.bankHolidays, day.toISOString().slice(0, 10))) continue;
    left--;
  }
  return instantOf(wall, timeZone);
}
