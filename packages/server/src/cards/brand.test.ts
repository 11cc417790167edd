import { describe, expect, it } from 'vitest';
import { detectBrand, last4 } from './brand.js';

describe('detectBrand', () => {
  it('recognises Visa from a leading 4', () => {
    expect(detectBrand('4000002500000003')).toBe('visa');
    expect(detectBrand('4')).toBe('visa');
  });

  it('recognises Mastercard in the 51 to 55 range', () => {
    expect(detectBrand('5100000000000008')).toBe('mastercard');
    expect(detectBrand('5500000000000004')).toBe('mastercard');
    expect(detectBrand('5000000000000009')).toBe('unknown');
    expect(detectBrand('5600000000000003')).toBe('unknown');
  });

  it('recognises Mastercard in the 2221 to 2720 range', () => {
    expect(detectBrand('2221000000000009')).toBe('mastercard');
    expect(detectBrand('2720990000000007')).toBe('mastercard');
    expect(detectBrand('2220990000000000')).toBe('unknown');
    expect(detectBrand('2721000000000000')).toBe('unknown');
  });

  it('waits for four digits before calling a 2-series number Mastercard', () => {
    expect(detectBrand('22')).toBe('unknown');
    expect(detectBrand('2221')).toBe('mastercard');
  });

  it('recognises American Express from 34 and 37', () => {
    expect(detectBrand('378282246310005')).toBe('amex');
    expect(detectBrand('341111111111111')).toBe('amex');
    expect(detectBrand('351111111111111')).toBe('unknown');
  });

  it('answers unknown for other networks, empty input and non-digits', () => {
    expect(detectBrand('6011111111111117')).toBe('unknown');
    expect(detectBrand('')).toBe('unknown');
    expect(detectBrand('4000 0025')).toBe('unknown');
  });
});

describe('last4', () => {
  it('returns the last four digits, ignoring spaces and dashes', () => {
    expect(last4('4000002500000003')).toBe('0003');
    expect(last4('4000 0025 0000 1001')).toBe('1001');
    expect(last4('4000-0025-0000-1001')).toBe('1001');
  });

  it('throws on fewer than four digits without echoing the input', () => {
    expect(() => last4('123')).toThrow(RangeError);
    expect(() => last4('12a4')).toThrow(/at least four digits/);
  });
});
