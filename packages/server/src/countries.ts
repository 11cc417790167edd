import type { CountryCode } from 'libphonenumber-js';

/** Per-country rules: currency and anti-fraud limits in minor units (SPEC: Anti-fraud). */
export interface CountryRules {
  currency: string;
  /** The language of what Settle writes to people there itself: the SMS code. */
  language: 'en' | 'fr';
  /** Where business days are counted (`availableAt`): the banks' own time. */
  timeZone: string;
  limits: {
    /** Largest single transfer. */
    perTransfer: number;
    /** Sent over any rolling 30 days. */
    rolling30Days: number;
    /** Sent over any rolling 7 days while the account is under 30 days old (since activation). */
    newAccount7Days: number;
  };
}

// Messenger's French defaults (500 / 1,500 / 250), in each country's currency.
const messengerLimits = { perTransfer: 50_000, rolling30Days: 150_000, newAccount7Days: 25_000 };

/** The launch countries; add a row to open another one. */
export const countries = {
  FR: { currency: 'EUR', language: 'fr', timeZone: 'Europe/Paris', limits: messengerLimits },
  GB: { currency: 'GBP', language: 'en', timeZone: 'Europe/London', limits: messengerLimits },
  // US banks settle on Eastern time (the Federal Reserve's business days).
  US: { currency: 'USD', language: 'en', timeZone: 'America/New_York', limits: messengerLimits },
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
