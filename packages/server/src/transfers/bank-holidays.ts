import Holidays from 'date-holidays';
import type { BankHolidays } from '../countries.js';

const FRIDAY = 5;

const calendars = new WeakMap<
  BankHolidays,
  { holidays: Holidays; years: Map<number, Set<string>> }
>();

/** The days (YYYY-MM-DD) of `year` its banks are closed for a holiday, weekends aside. */
function closedDays(bank: BankHolidays, year: number): Set<string> {
  let calendar = calendars.get(bank);
  if (!calendar) {
    const holidays = new Holidays(
      { country: bank.country, state: bank.state },
      { types: ['public', 'bank'] },
    );
    calendar = { holidays, years: new Map() };
    calendars.set(bank, calendar);
  }
  let days = calendar.years.get(year);
  if (!days) {
    days = new Set(
      calendar.holidays
        .getHolidays(year)
        .filter(
          (h) =>
            bank.saturdayOnFriday ||
            !h.substitute ||
            new Date(`${h.date.slice(0, 10)}T00:00Z`).getUTCDay() !== FRIDAY,
        )
        .map((h) => h.date.slice(0, 10)),
    );
    calendar.years.set(year, days);
  }
  return days;
}

/** Whether banks on `bank`'s calendar are closed on `day` (YYYY-MM-DD) for a holiday. */
export function isBankHoliday(bank: BankHolidays, day: string): boolean {
  return closedDays(bank, Number(day.slice(0, 4))).has(day);
}
