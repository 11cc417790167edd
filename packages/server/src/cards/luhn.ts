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
