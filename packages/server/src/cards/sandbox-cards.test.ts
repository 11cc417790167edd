import { describe, expect, it } from 'vitest';
import { detectBrand } from './brand.js';
import { isLuhnValid } from './luhn.js';
import { findSandboxCard, sandboxCards } from './sandbox-cards.js';

describe('sandboxCards', () => {
  it('has every card of the spec table', () => {
    expect(sandboxCards.map((c) => c.pan)).toEqual([
      '4000002500000003',
      '4000002500001001',
      '4000008260000000',
      '4000056655665556',
      '5200828282828210',
      '4000000000000002',
      '4000000000009995',
      '4000000000000069',
    ]);
  });

  it.each(sandboxCards.map((c) => [c.pan]))('has %s passing the Luhn check', (pan) => {
    expect(isLuhnValid(pan)).toBe(true);
  });

  it('has brands that agree with the BIN, CB being co-badged on Visa', () => {
    for (const card of sandboxCards) {
      const expected = card.brand === 'cartes_bancaires' ? 'visa' : card.brand;
      expect(detectBrand(card.pan)).toBe(expected);
    }
  });

  it('has only debit cards', () => {
    expect(sandboxCards.every((c) => c.funding === 'debit')).toBe(true);
  });

  it('lets the failing cards take the enrolling profile country, instant and Visa', () => {
    const failing = sandboxCards.filter((c) => c.outcome !== 'approved');
    expect(failing.map((c) => c.outcome)).toEqual([
      'card_declined',
      'insufficient_funds',
      'expired_card',
    ]);
    for (const card of failing) {
      expect(card).toMatchObject({
        country: null,
        brand: 'visa',
        availability: { kind: 'instant' },
      });
    }
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(sandboxCards)).toBe(true);
    expect(Object.isFrozen(sandboxCards[0])).toBe(true);
    expect(Object.isFrozen(sandboxCards[0]?.availability)).toBe(true);
  });
});

describe('findSandboxCard', () => {
  it('finds the co-badged French card with next-business-day availability', () => {
    expect(findSandboxCard('4000002500001001')).toEqual({
      pan: '4000002500001001',
      brand: 'cartes_bancaires',
      funding: 'debit',
      country: 'FR',
      availability: { kind: 'business_days', days: 1 },
      outcome: 'approved',
    });
  });

  it('finds the US Mastercard paying out in three business days', () => {
    expect(findSandboxCard('5200828282828210')).toMatchObject({
      brand: 'mastercard',
      country: 'US',
      availability: { kind: 'business_days', days: 3 },
    });
  });

  it('accepts numbers written with spaces, as printed in the docs', () => {
    expect(findSandboxCard('4000 0000 0000 9995')?.outcome).toBe('insufficient_funds');
    expect(findSandboxCard('4000 0082 6000 0000')?.country).toBe('GB');
  });

  it('returns undefined for any other card', () => {
    expect(findSandboxCard('4242424242424242')).toBeUndefined();
    expect(findSandboxCard('')).toBeUndefined();
  });
});
