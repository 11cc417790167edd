import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PIN_ATTEMPTS_PER_MINUTE } from '../app.js';
import { badPlatformCredentials, badUserCredentials } from '../testing/credentials.js';
import {
  enroll,
  mintToken,
  nextPhone,
  SECRET_KEY,
  type TestApp,
  testApp,
} from '../testing/platform.js';
import { changes, type Snapshot, snapshot } from '../testing/snapshot.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';
import { anyRequest, type BadRequest, badRequests, type FuzzContext } from './bad-requests.js';
import { type Document, type Operation, operationsOf, type Schema } from './operations.js';

// `npm test` runs a few seconds of this with a fixed seed; `npm run fuzz` runs FUZZ_RUNS cases
// per operation with a new seed each time (printed on failure; FUZZ_SEED replays it).
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);
const SEED = Number(process.env.FUZZ_SEED ?? (process.env.FUZZ_RUNS ? Date.now() : 20171123));
const TIMEOUT = 30_000 + RUNS * 400;
/**
 * Routes that take a PIN allow a user a few calls a minute: the test clock moves on by one
 * call's share after each case there, so that long runs reach validation, not the 429.
 */
const PIN_ROUTES = ['/v1/account/pin', '/v1/account/unlock', '/v1/authorizations'];
const PIN_CALL_MS = Math.ceil(60_000 / PIN_ATTEMPTS_PER_MINUTE);
/** Tokens live an hour at most: minted again on the moved clock well before. */
const REMINT_AFTER_MS = 30 * 60_000;

/** The operations as /openapi.json describes them: what a client, or an attacker, reads. */
async function documentedOperations(): Promise<Operation[]> {
  const db = await openTestStore('sqlite');
  try {
    const t = await testApp(db.store);
    return operationsOf((await (await t.app.request('/openapi.json')).json()) as Document);
  } finally {
    await db.cleanup();
  }
}
const operations = await documentedOperations();

/** Every schema in the operations, nested ones included. */
function* schemasOf(schema: Schema | undefined): Generator<Schema> {
  if (!schema) return;
  yield schema;
  for (const child of Object.values(schema.properties ?? {})) yield* schemasOf(child);
  yield* schemasOf(schema.items);
  if (typeof schema.additionalProperties === 'object')
    yield* schemasOf(schema.additionalProperties);
}

/** Sends the request; an event stream is read only up to its headers. */
async function exchange(t: TestApp, r: BadRequest) {
  const abort = new AbortController();
  const res = await t.app.request(r.path, {
    method: r.method,
    headers: r.headers,
    ...(r.body !== undefined ? { body: r.body } : {}),
    signal: abort.signal,
  });
  const type = res.headers.get('content-type') ?? '';
  if (type.startsWith('text/event-stream')) {
    abort.abort();
    await res.body?.cancel();
    return { status: res.status, type, text: '' };
  }
  return { status: res.status, type, text: await res.text() };
}

const ERROR_TYPES = [
  'invalid_request_error',
  'authentication_error',
  'permission_error',
  'not_found_error',
  'idempotency_error',
  'conflict_error',
  'rate_limit_error',
];

/** The API's one error shape, and nothing else. */
function expectErrorShape(res: { status: number; type: string; text: string }) {
  expect(res.type).toContain('application/json');
  const body = JSON.parse(res.text);
  expect(Object.keys(body)).toEqual(['error']);
  const { type, code, message, param, ...rest } = body.error;
  expect(rest).toEqual({});
  expect(ERROR_TYPES).toContain(type);
  expect(code).toMatch(/^[a-z_]+$/);
  expect(typeof message).toBe('string');
  expect(message.length).toBeGreaterThan(0);
  if (param !== undefined) expect(typeof param).toBe('string');
}

describe.each(await storeKinds())('the API under generated bad input, on the %s store', (kind) => {
  let db: TestStore;
  let t: TestApp;
  let ctx: FuzzContext;
  let chaosAuth: Record<string, string>;
  let baseline: Snapshot;
  let mintTokens: () => Promise<void>;
  let moveClockFor: (op: Operation) => Promise<void>;

  beforeAll(async () => {
    db = await openTestStore(kind);
    t = await testApp(db.store);
    for (const user of ['alice', 'bob', 'chaos']) await enroll(t, user, { phone: nextPhone() });
    const eur = { value: 1200, currency: 'EUR' };
    const transfer = await t.pay('alice', '/v1/transfers', { recipientId: 'bob', amount: eur });
    const request = await t.pay('alice', '/v1/requests', {
      payers: [{ userId: 'bob', amount: eur }],
    });
    expect([transfer.status, request.status]).toEqual([201, 201]);
    const tokens = { alice: '', newcomer: '', mintedAt: 0 };
    // Enrollment routes are called by someone who has not started: a body the documented
    // schema refuses but the server takes would then change something, and be caught.
    mintTokens = async () => {
      const iat = Math.floor(t.clock.now / 1000);
      const bearer = async (user: string) =>
        `Bearer ${await mintToken(t.keys, user, { iat, ttl: 3600 })}`;
      tokens.alice = await bearer('alice');
      tokens.newcomer = await bearer('newcomer');
      tokens.mintedAt = t.clock.now;
      chaosAuth.authorization = await bearer('chaos');
      ctx.badAuth.user = await badUserCredentials(t, 'alice');
      ctx.badAuth.platform = await badPlatformCredentials(t, 'alice');
    };
    moveClockFor = async (op) => {
      if (!PIN_ROUTES.includes(op.path)) return;
      t.clock.now += PIN_CALL_MS;
      if (t.clock.now - tokens.mintedAt > REMINT_AFTER_MS) await mintTokens();
    };
    chaosAuth = {};
    ctx = {
      auth: (op): Record<string, string> =>
        op.security === 'platform'
          ? { authorization: `Bearer ${SECRET_KEY}` }
          : op.security === 'user'
            ? { authorization: op.path.startsWith('/v1/account') ? tokens.newcomer : tokens.alice }
            : {},
      badAuth: { user: [], platform: [] },
      pathValue: (op, name) =>
        name === 'userId'
          ? 'bob'
          : op.path.startsWith('/v1/transfers')
            ? transfer.body.id
            : op.path.startsWith('/v1/requests')
              ? request.body.data[0].id
              : 'fl_none',
    };
    await mintTokens();
  });
  afterAll(() => db.cleanup());

  it('reads every operation from /openapi.json', () => {
    expect(operations.length).toBeGreaterThanOrEqual(25);
    expect(operations.filter((op) => op.body).length).toBeGreaterThanOrEqual(10);
  });

  it('documents patterns that clients can use: each accepts its own example', () => {
    const patterns = operations
      .flatMap((op) => [op.body, ...op.parameters.map((p) => p.schema)])
      .flatMap((s) => [...schemasOf(s)])
      .filter((s) => s.pattern && typeof s.example === 'string');
    expect(patterns.length).toBeGreaterThan(3);
    for (const s of patterns) expect(s.example).toMatch(new RegExp(s.pattern as string, 'u'));
  });

  it.each(operations.map((op) => [`${op.method} ${op.path}`, op] as const))(
    '%s refuses every bad input with a 4xx in the error shape, and changes nothing',
    async (_, op) => {
      baseline = await snapshot(db.store);
      await fc.assert(
        fc.asyncProperty(badRequests(op, ctx), async (r) => {
          const res = await exchange(t, r);
          await moveClockFor(op);
          expect(res.status, res.text).toBeLessThan(500);
          expect(res.status, res.text).toBeGreaterThanOrEqual(400);
          if (r.status) expect(res.status, res.text).toBe(r.status);
          // A status /openapi.json does not list for this operation is drift.
          expect(op.statuses, `${res.status} ${res.text}`).toContain(res.status);
          expectErrorShape(res);
          expect(changes(baseline, await snapshot(db.store))).toEqual([]);
        }),
        { seed: SEED, numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'answers anything at all on any route without a 5xx, and errors in the error shape',
    async () => {
      await fc.assert(
        fc.asyncProperty(anyRequest(operations, ctx, chaosAuth), async (r) => {
          const res = await exchange(t, r);
          expect(res.status, res.text).toBeLessThan(500);
          if (res.status >= 400) expectErrorShape(res);
        }),
        { seed: SEED, numRuns: RUNS * operations.length },
      );
    },
    TIMEOUT * 2,
  );

  it('logged no server error while being fuzzed', () => {
    expect(t.logs.filter((line) => line.includes('"event":"error"'))).toEqual([]);
  });
});
