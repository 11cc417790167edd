import fc from 'fast-check';
import type { Operation, Schema } from './operations.js';
import {
  addKey,
  invalidValue,
  oddString,
  removeKey,
  replaceAt,
  sampleValue,
  sitesOf,
  toJson,
} from './values.js';

/** One HTTP request built to be refused, and what the API must answer. */
export interface BadRequest {
  /** What is wrong with it, for the counterexample. */
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** Input the API must refuse with a 4xx, changing nothing. */
  mustReject: boolean;
  /** The status when only one is right. */
  status?: number;
}

type HeaderMap = Record<string, string>;

/** What the fuzzer knows of the API it attacks: valid credentials and real resources. */
export interface FuzzContext {
  /** Headers of a caller the operation accepts: a user token or the platform key. */
  auth(op: Operation): HeaderMap;
  /** Credentials each kind of route must refuse with 401. */
  badAuth: Record<'user' | 'platform', Array<{ label: string; headers: HeaderMap }>>;
  /** A real value for a path parameter. */
  pathValue(op: Operation, name: string): string;
}

export const BODY_LIMIT = 16 * 1024;
const KEY_HEADER = 'idempotency-key';
let keys = 0;

const isMalformed = (text: string) => {
  try {
    // Request.json() drops a leading BOM before parsing.
    JSON.parse(text.replace(/^\ufeff/, ''));
    return false;
  } catch {
    return true;
  }
};

/** A header value fetch accepts (a ByteString without CR, LF or NUL), as it will be sent. */
/** encodeURIComponent, with lone surrogates (which UTF-8 cannot carry) replaced first. */
const encode = (s: string) => encodeURIComponent(s.replace(/\p{Surrogate}/gu, '\ufffd'));

const headerSafe = (s: string) => /^[\t\x20-\x7e\x80-\xff]*$/.test(s);

function pathOf(op: Operation, ctx: FuzzContext, values: Record<string, string> = {}) {
  return op.path.replace(
    /\{(\w+)\}/g,
    (_, name: string) => values[name] ?? encode(ctx.pathValue(op, name)),
  );
}

/** The request a valid caller would send, for `body`. */
function request(
  op: Operation,
  ctx: FuzzContext,
  label: string,
  body: unknown,
  more: Partial<BadRequest> = {},
): BadRequest {
  const headers: HeaderMap = { ...ctx.auth(op) };
  if (op.parameters.some((p) => p.in === 'header' && p.name === KEY_HEADER)) {
    headers[KEY_HEADER] = `fuzz-${++keys}`;
  }
  const text =
    body === undefined || typeof body === 'string' || body instanceof Uint8Array
      ? body
      : toJson(body);
  if (text !== undefined) headers['content-type'] = 'application/json';
  return {
    label,
    method: op.method,
    path: pathOf(op, ctx),
    headers,
    ...(text !== undefined ? { body: text } : {}),
    mustReject: true,
    ...more,
  };
}

/** A body breaking exactly one rule of the schema, anywhere in it. */
function brokenBody(op: Operation, ctx: FuzzContext, schema: Schema) {
  return sampleValue(schema).chain((base) => {
    const mutations: fc.Arbitrary<BadRequest>[] = [];
    for (const site of sitesOf(base, schema)) {
      const where = site.path.join('.') || 'body';
      const invalid = invalidValue(site.schema);
      if (invalid) {
        mutations.push(
          invalid.map((v) => request(op, ctx, `${where}: invalid`, replaceAt(base, site.path, v))),
        );
      }
      const value = site.value;
      if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
      for (const key of site.schema.required ?? []) {
        mutations.push(
          fc.constant(request(op, ctx, `${where}: no ${key}`, removeKey(base, site.path, key))),
        );
      }
      if (site.schema.additionalProperties === false) {
        const known = site.schema.properties ?? {};
        mutations.push(
          fc
            .tuple(
              oddString.filter((k) => !Object.hasOwn(known, k)),
              fc.jsonValue({ maxDepth: 2 }),
            )
            .map(([k, v]) =>
              request(op, ctx, `${where}: unknown field`, addKey(base, site.path, k, v)),
            ),
        );
      }
    }
    return fc.oneof(...mutations);
  });
}

/** Amounts that are not positive integer minor units in range. */
function brokenAmount(op: Operation, ctx: FuzzContext, schema: Schema) {
  return sampleValue(schema).chain((base) => {
    const money = sitesOf(base, schema).filter(
      (s) => s.schema.properties?.value && s.schema.properties.currency && s.value,
    );
    if (money.length === 0) return brokenBody(op, ctx, schema);
    return fc.constantFrom(...money).chain((site) => {
      const valueSchema = site.schema.properties?.value as Schema;
      const currencySchema = site.schema.properties?.currency as Schema;
      return fc.oneof(
        (invalidValue(valueSchema) as fc.Arbitrary<unknown>).map((v) =>
          request(op, ctx, 'amount.value: invalid', replaceAt(base, [...site.path, 'value'], v)),
        ),
        (invalidValue(currencySchema) as fc.Arbitrary<unknown>).map((v) =>
          request(
            op,
            ctx,
            'amount.currency: invalid',
            replaceAt(base, [...site.path, 'currency'], v),
          ),
        ),
      );
    });
  });
}

/** Well-formed currencies the caller's account does not use (the fuzzing user is in France). */
function foreignCurrency(op: Operation, ctx: FuzzContext, schema: Schema) {
  return sampleValue(schema).chain((base) => {
    const money = sitesOf(base, schema).filter(
      (s) => s.schema.properties?.currency && s.value && typeof s.value === 'object',
    );
    if (money.length === 0) return brokenBody(op, ctx, schema);
    return fc
      .tuple(
        fc.constantFrom(...money),
        fc.constantFrom('USD', 'GBP', 'XXX', 'XTS', 'JPY', 'BTC', 'ZZZ'),
      )
      .map(([site, currency]) => {
        let body = base;
        for (const s of money) body = replaceAt(body, [...s.path, 'currency'], currency);
        return request(op, ctx, `${site.path.join('.')}: currency ${currency}`, body);
      });
  });
}

/** Bodies that are not JSON, or JSON of another shape altogether. */
function malformedBody(op: Operation, ctx: FuzzContext, schema: Schema) {
  const utf8 = new TextDecoder();
  const notJson = fc
    .oneof(
      sampleValue(schema).chain((base) => {
        const text = toJson(base);
        return fc
          .integer({ min: 0, max: Math.max(0, text.length - 1) })
          .map((n) => text.slice(0, n));
      }),
      fc.constantFrom(
        '',
        '{',
        '{"a":1,}',
        "{'a':1}",
        '{"a":NaN}',
        '{"a":Infinity}',
        '{"a":undefined}',
        '{"a":1}{"b":2}',
        '{"a":01}',
        '{"a":"\u0001"}',
        '/* c */ {}',
      ),
      oddString,
      // Bytes that are not UTF-8.
      fc
        .uint8Array({ minLength: 1, maxLength: 64 })
        .map((b) => Uint8Array.of(0x7b, 0xc3, 0x28, ...b)),
    )
    .filter((body) => isMalformed(typeof body === 'string' ? body : utf8.decode(body)))
    .map((body) => request(op, ctx, 'malformed JSON', body));
  // JSON, but not an object, or nested thousands deep.
  const wrongShape = fc
    .oneof(
      fc.constantFrom('null', 'true', '0', '"x"', '[]', '[{}]'),
      fc.integer({ min: 100, max: 5000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
      fc.integer({ min: 100, max: 2000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
    )
    .map((body) => request(op, ctx, 'JSON of the wrong shape', body));
  return fc.oneof(notJson, wrongShape);
}

/** A good body under a media type that is not JSON: refused, never parsed (no CSRF by form). */
function wrongMediaType(op: Operation, ctx: FuzzContext, schema: Schema) {
  return fc
    .tuple(
      sampleValue(schema),
      fc.constantFrom(
        undefined,
        'text/plain',
        'text/plain;charset=UTF-8',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/jsonx',
      ),
    )
    .map(([base, type]) => {
      const r = request(op, ctx, `content-type ${type ?? 'missing'}`, base, { status: 415 });
      if (type) r.headers['content-type'] = type;
      else delete r.headers['content-type'];
      return r;
    });
}

function oversized(op: Operation, ctx: FuzzContext) {
  return fc.integer({ min: 1, max: 3 * BODY_LIMIT }).map((extra) => {
    const body = toJson({ pad: 'a'.repeat(BODY_LIMIT + extra) });
    const r = request(op, ctx, 'body over the limit', body, { status: 413 });
    r.headers['content-length'] = String(Buffer.byteLength(body));
    return r;
  });
}

function badCredentials(op: Operation, ctx: FuzzContext, body: fc.Arbitrary<unknown>) {
  const variants = ctx.badAuth[op.security as 'user' | 'platform'];
  return fc.tuple(fc.constantFrom(...variants), body).map(([variant, b]) => {
    const r = request(op, ctx, `credentials: ${variant.label}`, b, { status: 401 });
    delete r.headers.authorization;
    Object.assign(r.headers, variant.headers);
    return r;
  });
}

function badIdempotencyKey(op: Operation, ctx: FuzzContext, body: fc.Arbitrary<unknown>) {
  return fc
    .tuple(
      fc.oneof(
        fc.constant(undefined),
        fc.constantFrom('', 'a b', 'café', 'a\tb', '\u00a0key', 'clé'),
        fc.integer({ min: 256, max: 2000 }).map((n) => 'k'.repeat(n)),
      ),
      body,
    )
    .map(([key, b]) => {
      const r = request(op, ctx, `Idempotency-Key ${JSON.stringify(key)?.slice(0, 20)}`, b);
      if (key === undefined) delete r.headers[KEY_HEADER];
      else r.headers[KEY_HEADER] = key;
      return r;
    });
}

function badPathValue(op: Operation, ctx: FuzzContext, name: string, body: fc.Arbitrary<unknown>) {
  return fc
    .tuple(
      fc.oneof(
        oddString.map((s) => encode(s)),
        fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '%2e%2e', '%2F', '%00', 'tr_missing'),
        fc.integer({ min: 65, max: 600 }).map((n) => 'x'.repeat(n)),
      ),
      body,
    )
    .map(([value, b]) => {
      const r = request(op, ctx, `path ${name} ${value.slice(0, 30)}`, b);
      r.path = pathOf(op, ctx, { [name]: value });
      return r;
    });
}

/** Query values the parameter's schema refuses, once coerced as the server coerces them. */
function badQueryValue(schema: Schema): fc.Arbitrary<string> {
  if (schema.type === 'integer') {
    const { minimum = -Infinity, maximum = Infinity } = schema;
    return fc
      .oneof(oddString, fc.constantFrom('-1', '0', '101', '1.5', '1e3', '9'.repeat(30), 'Infinity'))
      .filter((s) => {
        const n = Number(s);
        return !(Number.isSafeInteger(n) && n >= minimum && n <= maximum);
      });
  }
  return (invalidValue(schema) ?? oddString).filter(
    (v): v is string => typeof v === 'string',
  ) as fc.Arbitrary<string>;
}

function badQuery(op: Operation, ctx: FuzzContext) {
  const query = op.parameters.filter((p) => p.in === 'query');
  return fc.constantFrom(...query).chain((p) =>
    fc
      .oneof(
        badQueryValue(p.schema).map((v) => `${p.name}=${encode(v)}`),
        // Twice: an array where one value is expected.
        fc.constant(`${p.name}=1&${p.name}=2`),
      )
      .map((q) => {
        const r = request(op, ctx, `query ${q.slice(0, 40)}`, undefined);
        r.path = `${r.path}?${q}`;
        return r;
      }),
  );
}

function badHeaderParam(op: Operation, ctx: FuzzContext, name: string, schema: Schema) {
  const re = new RegExp(schema.pattern ?? '^$', 'u');
  return oddString
    .filter((s) => headerSafe(s) && !re.test(s.trim()))
    .map((value) => {
      const r = request(op, ctx, `header ${name} ${value.slice(0, 20)}`, undefined);
      r.headers[name] = value;
      return r;
    });
}

/** Requests that break `op` in one way each, all of which the API must refuse. */
export function badRequests(op: Operation, ctx: FuzzContext): fc.Arbitrary<BadRequest> {
  const body = op.body ? sampleValue(op.body) : fc.constant(undefined);
  const cases: fc.Arbitrary<BadRequest>[] = [];
  if (op.security !== 'none') cases.push(badCredentials(op, ctx, body));
  if (op.body) {
    cases.push(
      brokenBody(op, ctx, op.body),
      brokenAmount(op, ctx, op.body),
      malformedBody(op, ctx, op.body),
      wrongMediaType(op, ctx, op.body),
    );
    // Transfers and requests check the currency against the account before anything else.
    if (op.path === '/v1/transfers' || op.path === '/v1/requests') {
      cases.push(foreignCurrency(op, ctx, op.body));
    }
  }
  if (op.method !== 'GET') cases.push(oversized(op, ctx));
  for (const p of op.parameters) {
    if (p.in === 'path') cases.push(badPathValue(op, ctx, p.name, body));
    else if (p.in === 'header' && p.name === KEY_HEADER)
      cases.push(badIdempotencyKey(op, ctx, body));
    else if (p.in === 'header') cases.push(badHeaderParam(op, ctx, p.name, p.schema));
  }
  if (op.parameters.some((p) => p.in === 'query')) cases.push(badQuery(op, ctx));
  return fc.oneof(...cases);
}

/**
 * Anything at all on any route: a random method, random credentials, headers and body. The
 * API may accept some of it; it must still never fail with a 5xx or answer an error of
 * another shape.
 */
export function anyRequest(
  operations: Operation[],
  ctx: FuzzContext,
  chaosAuth: HeaderMap,
): fc.Arbitrary<BadRequest> {
  return fc
    .record({
      op: fc.constantFrom(...operations),
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
      auth: fc.constantFrom('chaos', 'none', 'bad'),
      body: fc.option(
        fc.oneof(
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
          oddString,
        ),
      ),
      type: fc.option(fc.constantFrom('application/json', 'text/plain', 'application/json; x=y')),
      key: fc.option(oddString.filter(headerSafe)),
      pathValue: fc.option(oddString),
      query: fc.option(
        fc.tuple(fc.constantFrom('limit', 'startingAfter', 'status', 'groupId'), oddString),
      ),
    })
    .chain((x) => {
      const badAuth = x.op.security === 'none' ? [] : ctx.badAuth[x.op.security];
      return (badAuth.length > 0 ? fc.constantFrom(...badAuth) : fc.constant(undefined)).map(
        (bad) => {
          const headers: HeaderMap =
            x.auth === 'chaos'
              ? { ...(x.op.security === 'platform' ? ctx.auth(x.op) : chaosAuth) }
              : {};
          if (x.auth === 'bad' && bad) Object.assign(headers, bad.headers);
          if (x.type) headers['content-type'] = x.type;
          if (x.key !== null) headers[KEY_HEADER] = x.key.trim() || 'k';
          let path =
            x.pathValue === null
              ? pathOf(x.op, ctx)
              : x.op.path.replace(/\{\w+\}/g, encode(x.pathValue));
          if (x.query) path += `?${x.query[0]}=${encode(x.query[1])}`;
          const body = x.method === 'GET' ? undefined : (x.body ?? undefined);
          return {
            label: 'anything',
            method: x.method,
            path,
            headers,
            ...(body !== undefined ? { body } : {}),
            mustReject: false,
          };
        },
      );
    });
}
