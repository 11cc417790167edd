import { describe, expect, it } from 'vitest';
import { hasProtoKey } from './proto-keys.js';

describe('hasProtoKey', () => {
  it('finds the key at any depth, plain or escaped', () => {
    expect(hasProtoKey('{"providers":{"__proto__":"on"}}')).toBe(true);
    expect(hasProtoKey('[{"a":[{"__proto__":{}}]}]')).toBe(true);
    expect(hasProtoKey('{"\\u005f_proto__":1}')).toBe(true);
  });

  it('lets other keys and values through, and leaves bad JSON to validation', () => {
    expect(hasProtoKey('{"note":"__proto__","prototype":1}')).toBe(false);
    expect(hasProtoKey('{"note":"caf\\u00e9"}')).toBe(false);
    expect(hasProtoKey('{"__proto__":')).toBe(false);
  });
});
