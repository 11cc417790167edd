import type { MiddlewareHandler } from 'hono';
import { visit } from 'jsonc-parser';
import { invalid } from './errors.js';
import { maskClientKey } from './mask.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

// In a `u` regex a surrogate pair is one code point: only lone halves match.
const LONE = /\p{Surrogate}/u;
const LONE_SURROGATE = 'Strings cannot hold lone surrogates (such as `\\ud800`).';

/** Deeper than any body of the API; the parser below recurses once per level. */
const MAX_DEPTH = 64;

/** Whether brackets outside strings nest deeper than `MAX_DEPTH`: one pass, no recursion. */
function tooDeep(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > MAX_DEPTH) return true;
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return false;
}

const quote = (key: string) => `\`${maskClientKey(key.slice(0, 64))}\``;

/**
 * What makes a JSON body ambiguous although `JSON.parse` takes it, or undefined: bytes that
 * are not UTF-8 and lone surrogates (`\ud800`), which would be stored as U+FFFD; a key twice
 * in one object, where the last would silently win; a `__proto__` key, which objects drop; more
 * than 64 levels of nesting (thousands fit in a body, and would exhaust the parser's stack).
 * Bodies that are not JSON at all are left to the route's validation.
 *
 * @example
 * jsonBodyProblem(new TextEncoder().encode('{"a":1,"a":2}')); // 'Duplicate key `a`.'
 */
export const jsonBodyProblem = (bytes: Uint8Array) => textProblem(decodeUtf8(bytes));

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** `jsonBodyProblem` for the body decoded: undefined if it was not UTF-8. */
function textProblem(text: string | undefined): string | undefined {
  if (text === undefined) return 'The body is not valid UTF-8.';
  if (tooDeep(text)) return `The body is nested more than ${MAX_DEPTH} levels deep.`;
  let problem: string | undefined;
  const keys: Set<string>[] = [];
  visit(
    text,
    {
      onObjectBegin: () => void keys.push(new Set()),
      onObjectEnd: () => void keys.pop(),
      onObjectProperty(key) {
        if (problem) return;
        const seen = keys.at(-1);
        if (key === '__proto__') problem = '`__proto__` is not allowed as a key.';
        else if (seen?.has(key)) problem = `Duplicate key ${quote(key)}.`;
        else if (LONE.test(key)) problem = LONE_SURROGATE;
        seen?.add(key);
      },
      onLiteralValue(value) {
        if (!problem && typeof value === 'string' && LONE.test(value)) problem = LONE_SURROGATE;
      },
    },
    { disallowComments: true },
  );
  return problem;
}

/**
 * Refuses JSON bodies that validation would accept with part of them changed or ignored
 * (see `jsonBodyProblem`): every bad input is a 400 that changes nothing.
 */
export const refuseAmbiguousJson: MiddlewareHandler = async (c, next) => {
  // Media types are case-insensitive, and routes parse `Application/JSON` as JSON too.
  if (c.req.header('content-type')?.toLowerCase().includes('json')) {
    const text = decodeUtf8(new Uint8Array(await c.req.arrayBuffer()));
    const problem = textProblem(text);
    if (problem) throw invalid('parameter_invalid', problem);
    // The route's validation (`c.req.json()`) parses this text. Hono would otherwise decode
    // the body again, through a web `Response` made from the cached bytes.
    (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text as string);
  }
  return next();
};
