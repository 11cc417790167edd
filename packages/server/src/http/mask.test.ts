import { describe, expect, it } from 'vitest';
import { maskCardNumbers, maskClientKey } from './mask.js';

describe('maskCardNumbers', () => {
  it('masks card numbers written plainly, grouped by spaces or by dashes', () => {
    for (const pan of ['4000002500000003', '4000 0025 0000 0003', '5200-8282-8282-8210']) {
      expect(maskCardNumbers(`/nope/${pan}/x`)).toBe('/nope/[card number]/x');
    }
  });

  it('keeps shorter numbers, which ids, amounts and dates are', () => {
    const text = 'amount.value: 12345678901 too large on 2026-11-23 for tr_01M84RAZ';
    expect(maskCardNumbers(text)).toBe(text);
  });
});

describe('maskClientKey', () => {
  it('masks runs of three digits or more: PINs, codes, card numbers', () => {
    for (const key of ['914273', '4000 0025 0000 0003', 'pin1234', '123']) {
      expect(maskClientKey(key)).not.toMatch(/\d{3}/);
    }
  });

  it('keeps names and short array indices readable', () => {
    expect(maskClientKey('payers.12.amount')).toBe('payers.12.amount');
    expect(maskClientKey('recipientId')).toBe('recipientId');
  });
});
