import type { CountryCode } from 'libphonenumber-js';

/** Per-country rules: currency and anti-fraud limits in minor units (SPEC: Anti-fraud). */
export interface CountryRules {
  currency: string;
  /** The language of what Settle writes to people there itself: the SMS code. */
  language: 'en' | 'fr';
  /** Where business days are counted (`availableAt`): the banks' own time. */
  timeZone: string;
  /** The days besides weekends its banks are closed (`availableAt`): see bank-holidays.ts. */
  bankHolidays: BankHolidays;
  limits: {
    /** Largest single transfer. */
    perTransfer: number;
    /** Sent over any rolling 30 days. */
    rolling30Days: number;
    /** Sent over any rolling 7 days while the account is under 30 days old (since activation). */
    newAccount7Days: number;
  };
}

/** A bank calendar: the public holidays of a date-holidays country (or one of its states). */
export interface BankHolidays {
  country: string;
  state?: string;
  /**
   * Whether a holiday on a Saturday closes the banks on the Friday before; false drops
   * date-holidays' Friday substitute days (its US ones are the federal offices').
   */
  saturdayOnFriday: boolean;
}

// Messenger's French defaults (500 / 1,500 / 250), in each country's currency.
const messengerLimits = { perTransfer: 50_000, rolling30Days: 150_000, newAccount7Days: 25_000 };

/** The launch countries; add a row to open another one. */
export const countries = {
  FR: {
    currency: 'EUR',
    language: 'fr',
    timeZone: 'Europe/Paris',
    // Banks close on the 11 jours fériés (Alsace-Moselle's 2 extra days are not counted).
    bankHolidays: { country: 'FR', saturdayOnFriday: false },
    limits: messengerLimits,
  },
  GB: {
    currency: 'GBP',
    language: 'en',
    timeZone: 'Europe/London',
    // England and Wales bank holidays (Scotland and Northern Ireland have others).
    bankHolidays: { country: 'GB', state: 'ENG', saturdayOnFriday: false },
    limits: messengerLimits,
  },
  // US banks settle on Eastern time on the Federal Reserve's business days: its holidays are
  // the federal ones, but one on a Saturday is not observed on the Friday (one on a Sunday is,
  // on the Monday).
  US: {
    currency: 'USD',
    language: 'en',
    timeZone: 'America/New_York',
    bankHolidays: { country: 'US', saturdayOnFriday: false },
    limits: messengerLimits,
  },
} as const satisfies Partial<Record<CountryCode, CountryRules>>;

export type Country = keyof typeof countries;

/** Per-country limits after the server's overrides (`SettleOptions.limits`). */
export type Limits = Record<Country, CountryRules['limits']>;

export const limitsWith = (
  overrides: Partial<Record<Country, Partial<CountryRules['limits']>>> = {},
): Limits =>
  Object.fromEntries(
    (Object.keys(countries) as Country[]).map((c) => [
      c,
      { ...countries[c].limits, ...overrides[c] },
    ]),
  ) as Limits;

export const countryCodes = Object.keys(countries) as [Country, ...Country[]];
