// Phone helpers on libphonenumber-js's mobile metadata, in their own entry
// (`@settle/sdk/phone`) so the core client stays small.
import {
  AsYouType,
  type CountryCode,
  getCountryCallingCode,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/mobile';

export type { CountryCode };

export interface ParsedPhone {
  /** `+33612345678`: what the server stores. */
  e164: string;
  country: CountryCode | undefined;
  /** `06 12 34 56 78` */
  national: string;
  /** `+33 6 12 34 56 78` */
  international: string;
}

/**
 * A mobile number of `country`, or `null` when the input is not one (landlines are
 * refused: the verification code comes by SMS). The server checks the same rule.
 *
 * @example
 * parseMobile('06 12 34 56 78', 'FR')?.e164; // '+33612345678'
 * parseMobile('01 23 45 67 89', 'FR');       // null (a landline)
 */
export function parseMobile(input: string, country: CountryCode): ParsedPhone | null {
  const phone = parsePhoneNumberFromString(input, country);
  // The mobile metadata only knows mobile patterns, so `isValid` means "a valid mobile".
  if (!phone?.isValid() || phone.country !== country) return null;
  return {
    e164: phone.number,
    country: phone.country,
    national: phone.formatNational(),
    international: phone.formatInternational(),
  };
}

/**
 * Formats the digits typed so far, for a phone field that formats as the user types.
 *
 * @example
 * formatPhoneInput('0612345', 'FR'); // '06 12 34 5'
 */
export function formatPhoneInput(input: string, country: CountryCode): string {
  return new AsYouType(country).input(input);
}

/**
 * The calling code to show before a national number.
 *
 * @example
 * callingCode('GB'); // '+44'
 */
export function callingCode(country: CountryCode): string {
  return `+${getCountryCallingCode(country)}`;
}
