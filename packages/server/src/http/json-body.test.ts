import { describe, expect, it } from 'vitest';
import { jsonBodyProblem } from './json-body.js';

const problem = (body: string | Uint8Array) =>
  jsonBodyProblem(typeof body === 'string' ? new TextEncoder().encode(body) : body);

describe('jsonBodyProblem', () => {
  it('finds a __proto__ key at any depth, plain or escaped', () => {
    expect(problem('{"providers":{"__proto__":"on"}}')).toMatch('__proto__');
    expect(problem('[{"a":[{"__proto__":{}}]}]')).toMatch('__proto__');
    expect(problem('{"\\u005f_proto__":1}')).toMatch('__proto__');
  });

  it('finds a key given twice in one object, however it is escaped', () => {
    expect(problem('{"recipientId":"mallory","recipientId":"bob"}')).toBe(
      'Duplicate key `recipientId`.',
    );
    expect(problem('{"amount":{"value":1,"v\\u0061lue":2}}')).toBe('Duplicate key `value`.');
    // A client's key may be a card number, a PIN or an SMS code: its digits are not echoed.
    expect(problem('{"4000002500000003":1,"4000002500000003":2}')).toBe('Duplicate key `…`.');
    expect(problem('{"914273":1,"914273":2}')).toBe('Duplicate key `…`.');
  });

  it('finds bytes that are not UTF-8, and lone surrogates in keys or values', () => {
    expect(problem(new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]))).toBe(
      'The body is not valid UTF-8.',
    );
    expect(problem('{"note":"a\\ud800b"}')).toMatch('lone surrogates');
    expect(problem('{"\\udfff":1}')).toMatch('lone surrogates');
  });

  it('lets well-formed JSON through, and leaves bad JSON to validation', () => {
    expect(problem('{"note":"__proto__ café 😀 \\ud83d\\ude00","prototype":1}')).toBeUndefined();
    expect(problem('[{"a":1},{"a":2}]')).toBeUndefined();
    expect(problem('{"a":{"b":1},"b":{"a":1}}')).toBeUndefined();
    expect(problem('{"__proto__":')).toMatch('__proto__');
    expect(problem('{"note":')).toBeUndefined();
  });

  it('refuses JSON nested deeper than any body of the API, without overflowing the stack', () => {
    // 8,000 levels fit in 16 kB: the parser's recursion then ran out of stack (a 500).
    for (const depth of [65, 8000]) {
      expect(problem(`${'['.repeat(depth)}${']'.repeat(depth)}`)).toMatch('nested');
      expect(problem(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`)).toMatch('nested');
    }
    expect(problem(`${'['.repeat(64)}${']'.repeat(64)}`)).toBeUndefined();
    // Brackets inside strings are text.
    expect(problem(JSON.stringify({ note: '['.repeat(500) }))).toBeUndefined();
  });
});
