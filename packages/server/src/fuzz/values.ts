import fc from 'fast-check';
import { jsonType, type Schema, typesOf } from './operations.js';

/** A JSON number token JSON.stringify cannot write (`1e400`, `-0`), spliced into the body. */
export class RawNumber {
  constructor(readonly text: string) {}
  toJSON() {
    return `\u0000raw:${this.text}\u0000`;
  }
}

/** JSON text of `value`, with every `RawNumber` written as its token. */
export const toJson = (value: unknown) =>
  JSON.stringify(value).replace(/"\\u0000raw:([^\\]+)\\u0000"/g, '$1');

/** Strings that have broken parsers: control and bidi characters, lone surrogates, huge. */
export const oddString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\t\n',
    '\u202e',
    '\ufeff',
    '\ud800',
    'Ω≈ç√∫',
    '𝕏💸🏦',
    'e\u0301',
    '٣٤',
    '１２',
    'null',
    'NaN',
    '-1',
    '1e400',
    "' OR 1=1 --",
    '<img src=x onerror=alert(1)>',
    '../../etc/passwd',
    '%00',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Log4Shell lookup, on purpose.
    '${jndi:ldap://x}',
    '__proto__',
    'constructor',
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc
    .tuple(
      fc.constantFrom('a', 'é', '💸', '9', '\u0000', '\u200b'),
      fc.integer({ min: 200, max: 4000 }),
    )
    .map(([c, n]) => c.repeat(n)),
);

const WRONG_TYPED: unknown[] = [null, true, 0, -1, 1.5, 'x', '', [], {}, [1, 'a'], { a: 1 }];

/** A regex for a schema pattern; zod-to-openapi writes JavaScript flavoured ones. */
const regexOf = (pattern: string) => new RegExp(pattern, 'u');

function stringSample(schema: Schema): fc.Arbitrary<string> {
  if (schema.pattern) {
    const re = regexOf(schema.pattern);
    const fallback = fc.constant(typeof schema.example === 'string' ? schema.example : 'x');
    try {
      const arb = fc.stringMatching(re, { size: 'xsmall' });
      // Some patterns are beyond fast-check's regex support: then the example will do.
      return fc.sample(arb, 20).every((s) => re.test(s)) ? arb : fallback;
    } catch {
      return fallback;
    }
  }
  const minLength = schema.minLength ?? 0;
  return fc.string({
    minLength,
    maxLength: Math.max(minLength, Math.min(schema.maxLength ?? 20, 20)),
  });
}

/**
 * A plausible value for `schema`: valid as far as the schema tells, and mostly its example
 * when it has one, so that requests get past the first check and reach deeper ones.
 */
export function sampleValue(schema: Schema): fc.Arbitrary<unknown> {
  const generated = anyValue(schema);
  if (schema.example === undefined || typeof schema.example === 'object') return generated;
  return fc.oneof({ arbitrary: fc.constant(schema.example), weight: 3 }, generated);
}

function anyValue(schema: Schema): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const types = typesOf(schema);
  if (types.has('object')) {
    if (schema.properties) {
      return fc.record(
        Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, sampleValue(v)])),
        { requiredKeys: schema.required ?? [] },
      );
    }
    if (typeof schema.additionalProperties === 'object') {
      return fc.dictionary(
        fc.string({ minLength: 1, maxLength: 8 }),
        sampleValue(schema.additionalProperties),
        {
          maxKeys: 3,
        },
      );
    }
    return fc.constant({});
  }
  if (types.has('array')) {
    const minLength = schema.minItems ?? 0;
    return fc.array(sampleValue(schema.items ?? {}), {
      minLength,
      maxLength: Math.max(minLength, Math.min(schema.maxItems ?? 3, 3)),
    });
  }
  if (types.has('string')) return stringSample(schema);
  if (types.has('number')) {
    const min = schema.minimum ?? -1000;
    return fc.integer({ min, max: Math.max(min, schema.maximum ?? 1000) });
  }
  if (types.has('boolean')) return fc.boolean();
  return fc.jsonValue({ maxDepth: 1 });
}

/**
 * Values `schema` refuses, whatever the rest of the input: the wrong JSON type, a string too
 * long, too short or off pattern, a number out of range or fractional where an integer is
 * due, an array too long or too short. Strings are checked trimmed too, since fields may be
 * trimmed before their checks.
 */
export function invalidValue(schema: Schema): fc.Arbitrary<unknown> | undefined {
  const types = typesOf(schema);
  const options: fc.Arbitrary<unknown>[] = [];
  if (types.size > 0) {
    const wrong = WRONG_TYPED.filter((v) => !types.has(jsonType(v)));
    if (wrong.length > 0) options.push(fc.constantFrom(...wrong));
  }
  if (schema.enum) {
    options.push(oddString.filter((s) => !schema.enum?.includes(s)));
  } else if (types.has('string')) {
    if (schema.maxLength !== undefined) {
      const max = schema.maxLength;
      options.push(
        fc
          .tuple(fc.constantFrom('x', 'é', '9', '💸'), fc.integer({ min: max + 1, max: max + 300 }))
          .map(([c, n]) => c.repeat(n)),
      );
    }
    if (schema.minLength) options.push(fc.constant('x'.repeat(schema.minLength - 1)));
    if (schema.pattern) {
      const re = regexOf(schema.pattern);
      options.push(oddString.filter((s) => !re.test(s) && !re.test(s.trim())));
    }
  }
  if (types.has('number') && !types.has('string')) {
    const { minimum: min, maximum: max } = schema;
    if (min !== undefined) {
      options.push(fc.integer({ min: -1e9, max: min - 1 }), fc.constant(-Number.MAX_VALUE));
      if (min > 0) options.push(fc.constant(new RawNumber('-0')));
    }
    if (max !== undefined) {
      options.push(
        fc.integer({ min: max + 1, max: max + 1e9 }),
        fc.constantFrom(1e21, Number.MAX_VALUE, 2 ** 53 + 2, new RawNumber('1e400')),
      );
    }
    if (schema.type === 'integer') {
      const low = min ?? 0;
      if (max === undefined || low + 0.5 < max)
        options.push(fc.constantFrom(low + 0.5, low + 1e-9));
    }
  }
  if (types.has('array')) {
    if (schema.maxItems !== undefined) {
      options.push(
        fc.array(sampleValue(schema.items ?? {}), {
          minLength: schema.maxItems + 1,
          maxLength: schema.maxItems + 3,
        }),
      );
    }
    if (schema.minItems) options.push(fc.constant([]));
  }
  return options.length > 0 ? fc.oneof(...options) : undefined;
}

/** A place in a sampled value, with the schema that governs it. */
export interface Site {
  path: (string | number)[];
  schema: Schema;
  value: unknown;
}

/** Every place in `value` a schema governs, the root first. */
export function sitesOf(value: unknown, schema: Schema, path: (string | number)[] = []): Site[] {
  const sites: Site[] = [{ path, schema, value }];
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) {
      const child =
        schema.properties?.[k] ??
        (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      if (child) sites.push(...sitesOf(v, child, [...path, k]));
    }
  } else if (Array.isArray(value) && schema.items) {
    const items = schema.items;
    value.forEach((v, i) => {
      sites.push(...sitesOf(v, items, [...path, i]));
    });
  }
  return sites;
}

type Json = Record<string | number, unknown>;

/** The object at `path` in `root`. */
const at = (root: unknown, path: (string | number)[]) =>
  path.reduce<Json>((node, key) => node[key] as Json, root as Json);

/** A copy of `root` with the value at `path` replaced. */
export function replaceAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root);
  at(copy, path.slice(0, -1))[path.at(-1) as string | number] = value;
  return copy;
}

/** A copy of `root` without `key` in the object at `path`. */
export function removeKey(root: unknown, path: (string | number)[], key: string): unknown {
  const copy = structuredClone(root);
  delete at(copy, path)[key];
  return copy;
}

/** A copy of `root` with `key` added to the object at `path`, even `__proto__`, as JSON.parse would. */
export function addKey(root: unknown, path: (string | number)[], key: string, value: unknown) {
  const copy = structuredClone(root);
  Object.defineProperty(at(copy, path), key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return copy;
}
