import { describe, expect, it } from 'vitest';
import { maskCardNumbers } from './mask.js';

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
