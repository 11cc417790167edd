import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Country } from '../countries.js';
import { unprocessable } from '../http/errors.js';

/**
 * A mobile number valid for the profile's country, in E.164. Uses the full metadata so
 * that landlines are told apart from mobiles.
 */
export function normalizeMobile(input: string, country: Country): string {
  const phone = parsePhoneNumberFromString(input, country);
  if (!phone?.isValid() || phone.country !== country) {
    throw unprocessable('phone_invalid', `Enter a valid mobile number for ${country}.`, 'phone');
  }
  const type = phone.getType();
  // US numbers do not say whether they are mobile.
  if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') {
    throw unprocessable(
      'phone_not_mobile',
      'Enter a mobile number: the code comes by SMS.',
      'phone',
    );
  }
  return phone.number;
}
