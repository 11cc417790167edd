import type { CardBrand } from './sandbox-cards.js';

/**
 * Detects the card network from the leading digits (the BIN). Works on partial numbers too, so
 * a form can show the brand while the user types.
 *
 * Cartes Bancaires is never returned: CB cards are co-badged with Visa or Mastercard and their
 * BINs overlap, so only the issuer's BIN table (the processor) can tell them apart.
 *
 * @example
 * detectBrand('4000002500000003'); // 'visa'
 * detectBrand('2221000000000009'); // 'mastercard'
 * detectBrand('378282246310005'); // 'amex'
 * detectBrand('6011111111111117'); // 'unknown'
 */
export function detectBrand(pan: string): CardBrand {
  if (!/^[0-9]+$/.test(pan)) return 'unknown';
  if (pan.startsWith('4')) return 'visa';
  const two = Number(pan.slice(0, 2));
  if (pan.length >= 2 && (two === 34 || two === 37)) return 'amex';
  if (pan.length >= 2 && two >= 51 && two <= 55) return 'mastercard';
  // The 2-series Mastercard range needs four digits to be told apart from other 2-prefixes.
  const four = Number(pan.slice(0, 4));
  if (pan.length >= 4 && four >= 2221 && four <= 2720) return 'mastercard';
  return 'unknown';
}

/**
 * The last four digits of a card number: the only part of a PAN that may be stored in clear
 * and shown to people. Spaces and dashes are ignored.
 *
 * @throws RangeError when fewer than four digits are given (the message never echoes the input).
 * @example
 * last4('4000 0025 0000 0003'); // '0003'
 */
export function last4(pan: string): string {
  const digits = pan.replace(/[\s-]/g, '');
  if (!/^[0-9]{4,}$/.test(digits)) {
    throw new RangeError('A card number needs at least four digits to take its last four.');
  }
  return digits.slice(-4);
}
