import { describe, expect, it } from 'vitest';
import { type Country, countries } from '../countries.js';
import { isBankHoliday } from './bank-holidays.js';

// The weekdays banks are closed in 2026 and 2027, from the official lists: service-public.fr
// (jours fériés), GOV.UK (bank holidays in England and Wales), federalreserve.gov (holidays
// observed by the Federal Reserve System: one on a Saturday leaves the Friday open).
const official: Record<Country, Record<2026 | 2027, string>> = {
  FR: {
    2026: '01-01 04-06 05-01 05-08 05-14 05-25 07-14 11-11 12-25',
    2027: '01-01 03-29 05-06 05-17 07-14 11-01 11-11',
  },
  GB: {
    2026: '01-01 04-03 04-06 05-04 05-25 08-31 12-25 12-28',
    2027: '01-01 03-26 03-29 05-03 05-31 08-30 12-27 12-28',
  },
  US: {
    2026: '01-01 01-19 02-16 05-25 06-19 09-07 10-12 11-11 11-26 12-25',
    2027: '01-01 01-18 02-15 05-31 07-05 09-06 10-11 11-11 11-25',
  },
};

function weekdays(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = Date.parse(`${from}T00:00Z`); d <= Date.parse(`${to}T00:00Z`); d += 86_400_000) {
    const weekday = new Date(d).getUTCDay();
    if (weekday !== 0 && weekday !== 6) days.push(new Date(d).toISOString().slice(0, 10));
  }
  return days;
}

describe('bank holidays', () => {
  it.each(Object.keys(official) as Country[])(
    'are the official %s ones on every weekday of 2026 and 2027',
    (country) => {
      const closed = weekdays('2026-01-01', '2027-12-31').filter((day) =>
        isBankHoliday(countries[country].bankHolidays, day),
      );
      expect(closed).toEqual(
        Object.entries(official[country]).flatMap(([year, days]) =>
          days.split(' ').map((day) => `${year}-${day}`),
        ),
      );
    },
  );
});
