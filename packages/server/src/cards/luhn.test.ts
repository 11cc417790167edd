import { describe, expect, it } from 'vitest';
import { holdsCardNumber, isLuhnValid } from './luhn.js';

describe('isLuhnValid', () => {
  it('accepts numbers whose checksum is right', () => {
    expect(isLuhnValid('4000002500000003')).toBe(true);
    expect(isLuhnValid('5200828282828210')).toBe(true);
    expect(isLuhnValid('378282246310005')).toBe(true);
  });

  it('rejects a number with one digit changed', () => {
    expect(isLuhnValid('4000002500000004')).toBe(false);
    expect(isLuhnValid('4100002500000003')).toBe(false);
  });

  it('rejects a number with two adjacent digits swapped', () => {
    expect(isLuhnValid('4000002500000030')).toBe(false);
  });

  it('accepts 12 to 19 digits and nothing shorter or longer', () => {
    expect(isLuhnValid('000000000000')).toBe(true);
    expect(isLuhnValid('0000000000000000000')).toBe(true);
    expect(isLuhnValid('00000000000')).toBe(false);
    expect(isLuhnValid('00000000000000000000')).toBe(false);
  });

  it('rejects anything that is not only digits, spaces included', () => {
    expect(isLuhnValid('4000 0025 0000 0003')).toBe(false);
    expect(isLuhnValid('4000-0025-0000-0003')).toBe(false);
    expect(isLuhnValid('４０００００２５００００００００３')).toBe(false);
    expect(isLuhnValid('')).toBe(false);
  });
});

describe('holdsCardNumber', () => {
  it('finds a card number in text, whole or in groups, with digits typed after it', () => {
    for (const text of [
      '4000002500000003',
      'ma carte 4000 0025 0000 0003 merci',
      'card:4000-0025-0000-1001',
      'carte 4000 0025 0000 0003 12 34 123',
      'Amex 3782 822463 10005',
      'Diners 3056 930902 5904',
      'Visa 19: 4000 0025 0000 0000 003',
      // Pasted from a page or typed on a French keyboard: (narrow) no-break spaces, two spaces.
      'carte 4000\u00a00025\u00a00000\u00a00003',
      'carte 4000\u202f0025\u202f0000\u202f0003',
      'carte 4000  0025  0000  0003',
    ]) {
      expect(holdsCardNumber(text), text).toBe(true);
    }
  });

  it('leaves other numbers: a wrong checksum, too few digits, one longer unbroken number', () => {
    for (const text of [
      'Commande 4000002500000004',
      'Appelle-moi au 06 12 34 56 78',
      // 12 digits passing the check: a phone number and an hour, not a card.
      'Rappelle au 06 12 34 56 78 18h',
      '+33 6 12 34 56 78 19h',
      // Two phone numbers one after another: 14 digits from '43' pass the checksum.
      'Léa 07 69 43 29 08 07 15 31 05 04',
      // Two phone numbers listed: ' - ' parts them, as a comma would.
      '06 12 34 56 78 - 07 98 76 54 32',
      'Ref 40000025000000031234',
      '12/34 et 500 €',
    ]) {
      expect(holdsCardNumber(text), text).toBe(false);
    }
  });
});
