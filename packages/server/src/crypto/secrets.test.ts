import { describe, expect, it } from 'vitest';
import {
  fingerprintPan,
  generateOtp,
  hashOtp,
  hashPin,
  isTrivialPin,
  safeEqual,
  verifyPin,
} from './secrets.js';

describe('hashPin and verifyPin', () => {
  it('stores scrypt parameters, salt and hash in one string', async () => {
    const stored = await hashPin('4827');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(stored).not.toContain('4827');
  });

  it('verifies the right PIN and rejects a wrong one', async () => {
    const stored = await hashPin('4827');
    expect(await verifyPin('4827', stored)).toBe(true);
    expect(await verifyPin('4828', stored)).toBe(false);
    expect(await verifyPin('', stored)).toBe(false);
  });

  it('salts each hash, so equal PINs hash differently', async () => {
    const [a, b] = await Promise.all([hashPin('4827'), hashPin('4827')]);
    expect(a).not.toBe(b);
  });

  it('verifies hashes made with other parameters, so the cost can change later', async () => {
    const stored = await hashPin('4827');
    const [, , , , salt] = stored.split('$');
    // Recompute with N=2^10 through a stored value, as an older deployment might have written.
    const { scryptSync } = await import('node:crypto');
    const hash = scryptSync('4827', Buffer.from(salt ?? '', 'base64url'), 32, {
      N: 1024,
      r: 8,
      p: 1,
    });
    const older = `scrypt$1024$8$1$${salt}$${hash.toString('base64url')}`;
    expect(await verifyPin('4827', older)).toBe(true);
    expect(await verifyPin('0000', older)).toBe(false);
  });

  it('answers false instead of throwing for malformed stored values', async () => {
    const stored = await hashPin('4827');
    const [, N, r, p, salt, hash] = stored.split('$');
    for (const bad of [
      '',
      '4827',
      'bcrypt$16384$8$1$a$b',
      stored.replace('scrypt$16384', 'scrypt$1000'),
      `scrypt$${2 ** 24}$8$1$${salt}$${hash}`,
      `scrypt$${N}$0$${p}$${salt}$${hash}`,
      `scrypt$${N}$${r}$${p}$${salt}$${hash}$extra`,
      `scrypt$${N}$${r}$${p}$${salt}$${hash}!`,
      `scrypt$${N}$${r}$${p}$$${hash}`,
      `scrypt$${N}$${r}$${p}$${salt}$`,
      `scrypt$-1$${r}$${p}$${salt}$${hash}`,
    ]) {
      expect(await verifyPin('4827', bad)).toBe(false);
    }
  });
});

describe('hashOtp', () => {
  it('is HMAC-SHA256 of context and code, in hex', async () => {
    const { createHmac } = await import('node:crypto');
    const expected = createHmac('sha256', 's3cret').update('ver_1:042917').digest('hex');
    expect(hashOtp('042917', 's3cret', 'ver_1')).toBe(expected);
  });

  it('hashes the same code differently in another context or with another secret', () => {
    const base = hashOtp('042917', 's3cret', 'ver_1');
    expect(hashOtp('042917', 's3cret', 'ver_2')).not.toBe(base);
    expect(hashOtp('042917', 'other', 'ver_1')).not.toBe(base);
    expect(hashOtp('042918', 's3cret', 'ver_1')).not.toBe(base);
  });

  it('refuses an empty secret', () => {
    expect(() => hashOtp('042917', '', 'ver_1')).toThrow(/must not be empty/);
  });
});

describe('safeEqual', () => {
  it('answers true only for identical strings', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'ABC')).toBe(false);
  });

  it('compares strings of different lengths without throwing', () => {
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', 'a')).toBe(false);
  });
});

describe('generateOtp', () => {
  it('returns six digits, keeping leading zeros', () => {
    const codes = Array.from({ length: 2000 }, generateOtp);
    for (const code of codes) expect(code).toMatch(/^[0-9]{6}$/);
    // About 10% of codes start with 0: a formatting bug dropping zeros would show up here.
    expect(codes.some((code) => code.startsWith('0'))).toBe(true);
    expect(new Set(codes).size).toBeGreaterThan(1900);
  });
});

describe('fingerprintPan', () => {
  it('is a stable keyed hash of the digits, equal with or without spaces', () => {
    const a = fingerprintPan('4000002500000003', 'fp-secret');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprintPan('4000 0025 0000 0003', 'fp-secret')).toBe(a);
    expect(a).not.toContain('4000002500000003');
  });

  it('differs for another card or another secret', () => {
    const a = fingerprintPan('4000002500000003', 'fp-secret');
    expect(fingerprintPan('4000002500001001', 'fp-secret')).not.toBe(a);
    expect(fingerprintPan('4000002500000003', 'other-secret')).not.toBe(a);
  });

  it('refuses an empty secret', () => {
    expect(() => fingerprintPan('4000002500000003', '')).toThrow(/must not be empty/);
  });
});

describe('isTrivialPin', () => {
  it.each(['0000', '1111', '777777', '99999'])('rejects %s, one digit repeated', (pin) => {
    expect(isTrivialPin(pin)).toBe(true);
  });

  it.each(['1234', '3456', '012345', '56789', '4321', '987654', '3210'])(
    'rejects %s, a straight run',
    (pin) => {
      expect(isTrivialPin(pin)).toBe(true);
    },
  );

  it.each(['1212', '121212', '9090', '12121', '2323'])('rejects %s, a repeated pair', (pin) => {
    expect(isTrivialPin(pin)).toBe(true);
  });

  it.each(['4827', '1357', '8901', '7890', '1122', '1243', '0001', '120120', '271828'])(
    'accepts %s',
    (pin) => {
      expect(isTrivialPin(pin)).toBe(false);
    },
  );

  it('answers false for input that is not digits, which is invalid for another reason', () => {
    expect(isTrivialPin('')).toBe(false);
    expect(isTrivialPin('abcd')).toBe(false);
    expect(isTrivialPin('12 34')).toBe(false);
  });
});
