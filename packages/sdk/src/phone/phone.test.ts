import { describe, expect, it } from 'vitest';
import { callingCode, formatPhoneInput, parseMobile } from './index.js';

describe('parseMobile', () => {
  it('normalises a national mobile number to E.164', () => {
    expect(parseMobile('06 12 34 56 78', 'FR')).toEqual({
      e164: '+33612345678',
      country: 'FR',
      national: '06 12 34 56 78',
      international: '+33 6 12 34 56 78',
    });
    expect(parseMobile('07400 123456', 'GB')?.e164).toBe('+447400123456');
  });

  it('refuses landlines, numbers of another country and junk', () => {
    expect(parseMobile('01 23 45 67 89', 'FR')).toBeNull();
    expect(parseMobile('+44 7400 123456', 'FR')).toBeNull();
    expect(parseMobile('not a phone', 'FR')).toBeNull();
  });
});

describe('formatting', () => {
  it('formats digits as they are typed', () => {
    expect(formatPhoneInput('0612345', 'FR')).toBe('06 12 34 5');
  });

  it('gives the calling code of a country', () => {
    expect(callingCode('GB')).toBe('+44');
    expect(callingCode('US')).toBe('+1');
  });
});
