import { describe, expect, it } from 'vitest';
import { formatMoney, parseMoney } from './money.js';

// Intl puts narrow no-break spaces in French output; compare on plain spaces.
const plain = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');

describe('formatMoney', () => {
  it('formats euro cents the French way', () => {
    expect(plain(formatMoney({ value: 2050, currency: 'EUR' }, 'fr-FR'))).toBe('20,50 €');
  });

  it('formats dollars the American way, with grouping', () => {
    expect(formatMoney({ value: 125000, currency: 'USD' }, 'en-US')).toBe('$1,250.00');
  });

  it('keeps amounts below one unit and negative amounts exact', () => {
    expect(formatMoney({ value: 5, currency: 'GBP' }, 'en-GB')).toBe('£0.05');
    expect(formatMoney({ value: -1999, currency: 'GBP' }, 'en-GB')).toBe('-£19.99');
  });

  it('uses the currency’s own minor unit (yen have none)', () => {
    expect(formatMoney({ value: 1500, currency: 'JPY' }, 'en-US')).toBe('¥1,500');
  });

  it('formats amounts beyond float precision of cents without rounding', () => {
    expect(formatMoney({ value: 9007199254740991, currency: 'EUR' }, 'en-US')).toBe(
      '€90,071,992,547,409.91',
    );
  });

  it('rejects fractional minor units', () => {
    expect(() => formatMoney({ value: 20.5, currency: 'EUR' }, 'fr-FR')).toThrow(RangeError);
  });
});

describe('parseMoney', () => {
  it.each([
    ['20,50', 'EUR', 'fr-FR', 2050],
    ['20,50 €', 'EUR', 'fr-FR', 2050],
    ['1 250,5', 'EUR', 'fr-FR', 125050],
    ['1\u202f250', 'EUR', 'fr-FR', 125000],
    ['12.50', 'EUR', 'fr-FR', 1250],
    ['$1,250.00', 'USD', 'en-US', 125000],
    ['1250', 'USD', 'en-US', 125000],
    ['£0.05', 'GBP', 'en-GB', 5],
    ['GBP 19.99', 'GBP', 'en-GB', 1999],
    ['1.250,75', 'EUR', 'de-DE', 125075],
    ['1500', 'JPY', 'ja-JP', 1500],
    ['٢٠٫٥٠', 'EUR', 'ar-EG', 2050],
    ['90071992547409.91', 'EUR', 'en-US', 9007199254740991],
  ])('reads %s %s in %s as %i minor units', (text, currency, locale, value) => {
    expect(parseMoney(text, currency, locale)).toEqual({ value, currency });
  });

  it.each([
    ['', 'EUR', 'fr-FR'],
    ['abc', 'EUR', 'fr-FR'],
    ['-5', 'EUR', 'fr-FR'],
    ['20,505', 'EUR', 'fr-FR'],
    ['5.5', 'JPY', 'ja-JP'],
    ['20,50', 'USD', 'en-US'],
    ['12.50', 'EUR', 'de-DE'],
    ['1,2,3', 'USD', 'en-US'],
    ['1e3', 'USD', 'en-US'],
    ['90071992547409.92', 'EUR', 'en-US'],
  ])('refuses %s %s in %s', (text, currency, locale) => {
    expect(parseMoney(text, currency, locale)).toBeNull();
  });

  it('reads back what formatMoney writes', () => {
    for (const locale of ['fr-FR', 'en-US', 'en-GB', 'de-DE']) {
      const money = { value: 123456, currency: 'EUR' };
      expect(parseMoney(formatMoney(money, locale), 'EUR', locale)).toEqual(money);
    }
  });
});
