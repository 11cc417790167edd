/**
 * Checks a card number (PAN) against the Luhn checksum, which catches every single-digit typo
 * and most swaps of adjacent digits before a number reaches the processor.
 *
 * Only 12 to 19 ASCII digits are accepted (ISO/IEC 7812 lengths); the caller strips spaces.
 *
 * @example
 * isLuhnValid('4000002500000003'); // true
 * isLuhnValid('4000002500000004'); // false
 * isLuhnValid('4000 0025 0000 0003'); // false: strip the spaces first
 */
export function isLuhnValid(pan: string): boolean {
  if (!/^[0-9]{12,19}$/.test(pan)) return false;
  let sum = 0;
  // Every second digit from the right (the check digit itself excluded) is doubled.
  let double = false;
  for (let i = pan.length - 1; i >= 0; i--) {
    let digit = pan.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Whether free text holds a card number: 13 to 19 digits starting as the card networks' do (2
 * to 6) that pass the Luhn check, written whole or in groups split by spaces (of any kind, one
 * or more) or a dash, even with more digits around it (an expiry or a CVC typed after it).
 * Groups are taken whole, so a longer unbroken number (an order reference) is not read as one;
 * phone numbers (0…, +…, digits in pairs) are never one, and other numbers rarely pass all
 * three tests.
 *
 * @example
 * holdsCardNumber('carte 4000 0025 0000 0003 12/34'); // true
 * holdsCardNumber('Commande 4000002500000004'); // false
 */
export function holdsCardNumber(text: string): boolean {
  // Between groups: spaces, no-break ones included (pasted from a page, or the French
  // typographic thin space), or one dash. ' - ' still parts two numbers (phones listed).
  for (const run of text.match(/\+?\d+(?:(?:\s+|-)\d+)*/g) ?? []) {
    const groups = run.split(/\s+|-/);
    // '+33 6 12…' is a phone number: nothing starts at its country code.
    for (let first = run.startsWith('+') ? 1 : 0; first < groups.length; first++) {
      if (!/^[2-6]/.test(groups[first] as string)) continue;
      let digits = '';
      for (let last = first; last < groups.length && digits.length < 19; last++) {
        // Card numbers are written in groups of 3 to 6 (4-4-4-4, Amex 4-6-5, 19 digits ending
        // in 3), never in pairs as French phone numbers are ('06 12 34 56 78 07 98…').
        if (last > first && (groups[last] as string).length < 3) break;
        digits += groups[last];
        if (digits.length >= 13 && isLuhnValid(digits)) return true;
      }
    }
  }
  return false;
}
