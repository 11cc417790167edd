import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxProcessor } from '../processor/sandbox.js';
import {
  enroll,
  enrollUntilCode,
  FR_CARD,
  GB_CARD,
  mintToken,
  nextPhone,
  SECRET_KEY,
  type TestApp,
  testApp,
} from '../testing/platform.js';
import { gated, openTestStore, storeKinds, type TestStore } from '../testing/stores.js';

type Doc = {
  paths: Record<string, Record<string, OperationDoc>>;
  components: { schemas: Record<string, unknown> };
};
type OperationDoc = {
  requestBody?: unknown;
  responses: Record<
    string,
    {
      content?: Record<string, { schema: unknown }>;
      headers?: Record<string, { required?: boolean; schema: unknown }>;
    }
  >;
};

const eur = (value: number) => ({ value, currency: 'EUR' });
const year = new Date().getFullYear() + 3;

/** Matches a concrete path (query left off) to its documented operation, as `GET /v1/x/{id}`. */
function operationOf(doc: Doc, method: string, url: string) {
  const path = url.split('?')[0] as string;
  for (const template of Object.keys(doc.paths)) {
    const re = new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`);
    if (re.test(path) && doc.paths[template]?.[method.toLowerCase()]) {
      return `${method} ${template}`;
    }
  }
  return undefined;
}

/**
 * The contract between /openapi.json and the server, both ways: every operation driven to each
 * status its document lists, on a real app, and every answer checked against that document
 * (status, media type, body schema, headers). A status the server answers but the document
 * does not list, or one the document lists that nothing can reach, fails here.
 */
describe.each(await storeKinds())(
  'the API against its OpenAPI document, on the %s store',
  (kind) => {
    let db: TestStore;
    let t: TestApp;
    let doc: Doc;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)) && /T/.test(s));
    const validators = new Map<string, ValidateFunction>();
    /** `GET /v1/x` → the statuses seen. */
    const seen = new Map<string, Set<number>>();
    let broken = false;
    const problems: string[] = [];
    const down = { on: false };
    /** An answered request of each operation, to send again while the database is down. */
    const answered = new Map<string, Parameters<typeof send>>();

    const token = (userId: string, options: { iat?: number; ttl?: number } = {}) =>
      mintToken(t.keys, userId, { iat: Math.floor(t.clock.now / 1000), ...options });

    /**
     * One exchange, checked against the document. `as` is a user id, a secret key (`sk_...`),
     * or null for no credential.
     */
    async function send(
      as: string | null,
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
      app: TestApp = t,
    ) {
      const h: Record<string, string> = { ...headers };
      if (as?.startsWith('sk_')) h.authorization = `Bearer ${as}`;
      else if (as)
        h.authorization = `Bearer ${await mintToken(app.keys, as, { iat: Math.floor(app.clock.now / 1000) })}`;
      if (body !== undefined) h['content-type'] ??= 'application/json';
      if (method === 'POST' && (path === '/v1/transfers' || path === '/v1/requests'))
        h['idempotency-key'] ??= crypto.randomUUID();
      const abort = new AbortController();
      const res = await app.app.request(path, {
        method,
        headers: h,
        ...(body !== undefined
          ? { body: typeof body === 'string' ? body : JSON.stringify(body) }
          : {}),
        signal: abort.signal,
      });
      const type = res.headers.get('content-type') ?? '';
      let text = '';
      if (type.startsWith('text/event-stream')) {
        abort.abort();
        await res.body?.cancel();
      } else text = await res.text();
      check(method, path, res, type, text);
      const op = operationOf(doc, method, path);
      if (res.ok && op) answered.set(op, [as, method, path, body, headers]);
      return {
        status: res.status,
        headers: res.headers,
        body: text ? JSON.parse(text) : undefined,
      };
    }

    function check(method: string, path: string, res: Response, type: string, text: string) {
      const op = operationOf(doc, method, path);
      const where = `${method} ${path} → ${res.status} ${text.slice(0, 300)}`;
      const fail = (what: string) => problems.push(`${what}: ${where}`);
      if (!op) return fail('undocumented operation');
      const [m, template] = (op as string).split(' ') as [string, string];
      const statuses = seen.get(op as string) ?? new Set();
      statuses.add(res.status);
      seen.set(op as string, statuses);
      const documented = doc.paths[template]?.[m.toLowerCase()]?.responses[String(res.status)];
      if (!documented) return fail('undocumented status');
      const media = Object.keys(documented?.content ?? {});
      if (media.length === 0) return;
      const mediaType = media.find((mt) => type.startsWith(mt));
      if (!mediaType) return fail(`media type ${type}`);
      for (const [name, header] of Object.entries(documented.headers ?? {})) {
        if (header.required && !res.headers.get(name)) fail(`no ${name} header`);
      }
      if (res.status === 429 || res.status === 503) {
        if (!/^[1-9]\d*$/.test(res.headers.get('retry-after') ?? '')) fail('no Retry-After');
        if (!documented.headers?.['Retry-After']) fail('Retry-After not documented');
      }
      if (mediaType !== 'application/json') return;
      const pointer = `doc#/paths/${template.replaceAll('~', '~0').replaceAll('/', '~1')}/${m.toLowerCase()}/responses/${res.status}/content/application~1json/schema`;
      let validate = validators.get(pointer);
      if (!validate) {
        validate = ajv.compile({ $ref: pointer });
        validators.set(pointer, validate);
      }
      const body = JSON.parse(text);
      if (!validate(body)) fail(`body ${JSON.stringify(validate.errors)}`);
    }

    beforeAll(async () => {
      db = await openTestStore(kind);
      const sandbox = sandboxProcessor({ store: db.store, latencyMs: 0, now: () => Date.now() });
      t = await testApp(db.store, {
        // A first transfer of 20 EUR or more to someone new is held for review, raising a flag.
        risk: { largeToNewRecipient: 2000 },
        processor: {
          ...sandbox,
          async checkCard(card) {
            if (down.on) throw new Error('the card network is down');
            return sandbox.checkCard(card);
          },
        },
      });
      doc = (await (await t.app.request('/openapi.json')).json()) as Doc;
      ajv.addSchema(doc, 'doc');
      for (const user of ['alice', 'bob']) await enroll(t, user, { phone: nextPhone() });
    });
    afterAll(() => db.cleanup());

    it('answers each operation only with documented statuses, bodies and headers', async () => {
      broken = true;
      const cardToken = async (number = FR_CARD) =>
        (
          await send(null, 'POST', '/v1/card-tokens', {
            number,
            expMonth: 12,
            expYear: year,
            cvc: '123',
          })
        ).body.token as string;
      const big = JSON.stringify({ pad: 'a'.repeat(17_000) });
      let n = 0;
      const expectStatus = (r: { status: number; body: unknown }, status: number) => {
        n++;
        if (r.status !== status)
          problems.push(
            `scenario ${n}: wanted ${status}, got ${r.status} ${JSON.stringify(r.body)}`,
          );
      };

      // Card tokens.
      expectStatus(
        await send(null, 'POST', '/v1/card-tokens', {
          number: FR_CARD,
          expMonth: 12,
          expYear: year,
          cvc: '123',
        }),
        201,
      );
      expectStatus(
        await send(null, 'POST', '/v1/card-tokens', {
          number: '4000002500000004',
          expMonth: 12,
          expYear: year,
          cvc: '123',
        }),
        400,
      );
      expectStatus(await send(null, 'POST', '/v1/card-tokens', big), 413);
      // One client address, through a trusted proxy, past its allowance.
      const proxied = await testApp(db.store, { trustedProxies: 1, cardTokensPerMinute: 1 });
      for (const status of [201, 429]) {
        const card = { number: FR_CARD, expMonth: 12, expYear: year, cvc: '123' };
        const client = { 'x-forwarded-for': '203.0.113.7' };
        expectStatus(await send(null, 'POST', '/v1/card-tokens', card, client, proxied), status);
      }

      // Every route: no credential, and a body over the limit or an ambiguous one where a body
      // may be sent.
      for (const [path, methods] of Object.entries(doc.paths)) {
        for (const method of Object.keys(methods)) {
          const concrete = path.replace(/\{\w+\}/g, 'x1');
          if (path === '/v1/card-tokens') {
            const form = { 'content-type': 'application/x-www-form-urlencoded' };
            expectStatus(await send(null, 'POST', path, 'number=1', form), 415);
            continue;
          }
          expectStatus(await send(null, method.toUpperCase(), concrete), 401);
          if (method === 'get') continue;
          const as = path.startsWith('/v1/admin') ? SECRET_KEY : 'alice';
          if (methods[method]?.requestBody) {
            const form = { 'content-type': 'application/x-www-form-urlencoded' };
            expectStatus(await send(as, method.toUpperCase(), concrete, 'a=1', form), 415);
          }
          expectStatus(await send(as, method.toUpperCase(), concrete, big), 413);
          expectStatus(await send(as, method.toUpperCase(), concrete, '{"a":1,"a":2}'), 400);
        }
      }

      // Enrollment.
      expectStatus(await send('newbie', 'GET', '/v1/account'), 200);
      const profile = { legalName: 'Nina Bee', country: 'FR', phone: nextPhone() };
      expectStatus(
        await send('newbie', 'PUT', '/v1/account/profile', { ...profile, phone: '+33112345678' }),
        422,
      );
      expectStatus(await send('newbie', 'PUT', '/v1/account/pin', { pin: '914273' }), 409);
      expectStatus(
        await send('newbie', 'POST', '/v1/account/card', { token: await cardToken() }),
        409,
      );
      expectStatus(await send('newbie', 'PUT', '/v1/account/profile', profile), 200);
      expectStatus(await send('newbie', 'POST', '/v1/account/verification'), 409);
      expectStatus(
        await send('newbie', 'POST', '/v1/account/verification/check', { code: '123456' }),
        409,
      );
      expectStatus(await send('newbie', 'POST', '/v1/account/card', { token: 'nope' }), 400);
      expectStatus(
        await send('newbie', 'POST', '/v1/account/card', { token: await cardToken(GB_CARD) }),
        422,
      );
      down.on = true;
      expectStatus(
        await send('newbie', 'POST', '/v1/account/card', { token: await cardToken() }),
        503,
      );
      down.on = false;
      expectStatus(
        await send('newbie', 'POST', '/v1/account/card', { token: await cardToken() }),
        200,
      );
      expectStatus(await send('newbie', 'PUT', '/v1/account/pin', { pin: '1234' }), 400);
      expectStatus(await send('newbie', 'PUT', '/v1/account/pin', { pin: '914273' }), 200);
      expectStatus(await send('newbie', 'POST', '/v1/account/verification'), 429);
      expectStatus(
        await send('newbie', 'POST', '/v1/account/verification/check', { code: '000000' }),
        400,
      );
      t.clock.now += 31_000;
      expectStatus(await send('newbie', 'POST', '/v1/account/verification'), 200);
      const code = await t.lastCode(profile.phone);
      expectStatus(await send('newbie', 'POST', '/v1/account/verification/check', { code }), 200);
      expectStatus(await send('newbie', 'PUT', '/v1/account/profile', profile), 409);
      expectStatus(
        await send('newbie', 'POST', '/v1/account/unlock', { code: '123456', pin: '583920' }),
        409,
      );
      expectStatus(
        await send('newbie', 'PUT', '/v1/account/pin', { pin: '583920', currentPin: '111333' }),
        403,
      );
      expectStatus(
        await send('newbie', 'PUT', '/v1/account/pin', { pin: '583920', currentPin: '914273' }),
        200,
      );
      // Card checks: refused ones count.
      await enrollUntilCode(t, 'decliner', { phone: nextPhone() });
      let refused = 0;
      for (; refused < 12; refused++) {
        const r = await send('decliner', 'POST', '/v1/account/card', {
          token: await cardToken(GB_CARD),
        });
        if (r.status === 429) break;
      }
      expect(refused).toBeLessThan(12);
      // Secure, then unlock.
      const lockedPhone = nextPhone();
      await enroll(t, 'locked1', { phone: lockedPhone });
      expectStatus(await send('locked1', 'POST', '/v1/account/secure'), 200);
      t.clock.now += 2000;
      expectStatus(await send('locked1', 'PUT', '/v1/account/profile', profile), 403);
      t.clock.now += 31_000;
      expectStatus(await send('locked1', 'POST', '/v1/account/verification'), 200);
      const unlockCode = await t.lastCode(lockedPhone);
      expectStatus(
        await send('locked1', 'POST', '/v1/account/unlock', { code: '000000', pin: '583920' }),
        400,
      );
      expectStatus(
        await send('locked1', 'POST', '/v1/account/unlock', { code: unlockCode, pin: '914273' }),
        422,
      );
      expectStatus(
        await send('locked1', 'POST', '/v1/account/unlock', { code: unlockCode, pin: '583920' }),
        200,
      );
      // Frozen.
      await enroll(t, 'frozen1', { phone: nextPhone() });
      expectStatus(await send(SECRET_KEY, 'POST', '/v1/admin/accounts/frozen1/freeze'), 200);
      expectStatus(await send(SECRET_KEY, 'POST', '/v1/admin/accounts/frozen1/freeze'), 200);
      for (const [method, path, body] of [
        ['PUT', '/v1/account/profile', profile],
        ['POST', '/v1/account/card', { token: 'x' }],
        ['POST', '/v1/account/verification', undefined],
        ['POST', '/v1/account/verification/check', { code: '123456' }],
        ['POST', '/v1/account/unlock', { code: '123456', pin: '583920' }],
        ['POST', '/v1/account/secure', undefined],
        ['POST', '/v1/requests', { payers: [{ userId: 'bob', amount: eur(100) }] }],
      ] as const) {
        expectStatus(await send('frozen1', method, path, body), 403);
      }
      // PIN attempts: 20 a minute per user, all routes together.
      await enroll(t, 'hammer', { phone: nextPhone() });
      let tries = 0;
      for (; tries < 25; tries++) {
        const r = await send('hammer', 'PUT', '/v1/account/pin', { pin: '1111' });
        if (r.status === 429) break;
      }
      expect(tries).toBeLessThan(25);
      expectStatus(
        await send('hammer', 'POST', '/v1/authorizations', {
          pin: '914273',
          amount: eur(100),
          payeeId: 'bob',
        }),
        429,
      );
      expectStatus(
        await send('hammer', 'POST', '/v1/account/unlock', { code: '123456', pin: '583920' }),
        429,
      );

      // Transfers and authorizations.
      const authorization = { pin: '914273', amount: eur(4000), payeeId: 'bob' };
      expectStatus(await send('alice', 'POST', '/v1/authorizations', authorization), 201);
      expectStatus(
        await send('alice', 'POST', '/v1/authorizations', { ...authorization, pin: 'x' }),
        400,
      );
      expectStatus(
        await send('alice', 'POST', '/v1/authorizations', { ...authorization, pin: '111333' }),
        403,
      );
      expectStatus(
        await send('alice', 'POST', '/v1/authorizations', {
          ...authorization,
          amount: { value: 4000, currency: 'USD' },
        }),
        422,
      );
      const paid = await send('alice', 'POST', '/v1/transfers', {
        recipientId: 'bob',
        amount: eur(1500),
        conversationId: 'conv-ab',
      });
      expectStatus(paid, 201);
      const awaiting = await send('alice', 'POST', '/v1/transfers', {
        recipientId: 'carol',
        amount: eur(900),
      });
      expectStatus(awaiting, 201);
      const held = await send('alice', 'POST', '/v1/transfers', {
        recipientId: 'dave',
        amount: eur(2500),
      });
      expectStatus(held, 201);
      expectStatus(
        await send('alice', 'POST', '/v1/transfers', { recipientId: 'alice', amount: eur(100) }),
        400,
      );
      // Over the exemption, without the PIN's authorization.
      expectStatus(
        await send('alice', 'POST', '/v1/transfers', { recipientId: 'bob', amount: eur(3100) }),
        403,
      );
      expectStatus(
        await send('alice', 'POST', '/v1/transfers', {
          recipientId: 'bob',
          amount: eur(100),
          requestId: 'rq_none',
        }),
        404,
      );
      expectStatus(
        await send('alice', 'POST', '/v1/transfers', {
          recipientId: 'bob',
          amount: { value: 100, currency: 'GBP' },
        }),
        422,
      );
      await send(
        'alice',
        'POST',
        '/v1/transfers',
        { recipientId: 'bob', amount: eur(100) },
        { 'idempotency-key': 'k-1' },
      );
      expectStatus(
        await send(
          'alice',
          'POST',
          '/v1/transfers',
          { recipientId: 'bob', amount: eur(101) },
          { 'idempotency-key': 'k-1' },
        ),
        409,
      );
      expectStatus(await send('alice', 'GET', `/v1/transfers/${paid.body.id}`), 200);
      expectStatus(await send('alice', 'GET', `/v1/transfers/${'x'.repeat(65)}`), 400);
      expectStatus(await send('alice', 'GET', '/v1/transfers/tr_none'), 404);
      expectStatus(await send('alice', 'POST', `/v1/transfers/${awaiting.body.id}/cancel`), 200);
      expectStatus(await send('alice', 'POST', `/v1/transfers/${paid.body.id}/cancel`), 409);
      expectStatus(await send('alice', 'POST', '/v1/transfers/tr_none/cancel'), 404);
      expectStatus(await send('alice', 'POST', `/v1/transfers/${'x'.repeat(65)}/cancel`), 400);
      const first = await send('alice', 'GET', '/v1/transfers?limit=1');
      expectStatus(first, 200);
      expect(first.body.hasMore).toBe(true);
      expectStatus(
        await send(
          'alice',
          'GET',
          `/v1/transfers?limit=1&startingAfter=${first.body.nextCursor}&conversationId=conv-ab`,
        ),
        200,
      );
      expectStatus(await send('alice', 'GET', '/v1/transfers?limit=0'), 400);
      expectStatus(await send('alice', 'GET', '/v1/transfers?startingAfter=nope'), 400);

      // Requests.
      const request = await send('alice', 'POST', '/v1/requests', {
        conversationId: 'conv-ab',
        payers: [{ userId: 'bob', amount: eur(700) }],
      });
      expectStatus(request, 201);
      const other = await send('alice', 'POST', '/v1/requests', {
        split: { total: eur(900), among: ['bob', 'newbie'], includeSelf: true },
      });
      expectStatus(other, 201);
      expectStatus(
        await send('alice', 'POST', '/v1/requests', {
          payers: [{ userId: 'alice', amount: eur(700) }],
        }),
        400,
      );
      expectStatus(
        await send('nobody', 'POST', '/v1/requests', {
          payers: [{ userId: 'bob', amount: eur(700) }],
        }),
        403,
      );
      expectStatus(
        await send('alice', 'POST', '/v1/requests', {
          payers: [{ userId: 'bob', amount: { value: 700, currency: 'USD' } }],
        }),
        422,
      );
      await send(
        'alice',
        'POST',
        '/v1/requests',
        { payers: [{ userId: 'bob', amount: eur(1) }] },
        { 'idempotency-key': 'k-2' },
      );
      expectStatus(
        await send(
          'alice',
          'POST',
          '/v1/requests',
          { payers: [{ userId: 'bob', amount: eur(2) }] },
          { 'idempotency-key': 'k-2' },
        ),
        409,
      );
      const requestId = request.body.data[0].id as string;
      expectStatus(await send('bob', 'GET', `/v1/requests/${requestId}`), 200);
      expectStatus(await send('bob', 'GET', '/v1/requests/rq_none'), 404);
      expectStatus(await send('bob', 'GET', `/v1/requests/${'x'.repeat(65)}`), 400);
      expectStatus(await send('alice', 'POST', `/v1/requests/${requestId}/decline`), 409);
      expectStatus(await send('bob', 'POST', `/v1/requests/${requestId}/decline`), 200);
      expectStatus(await send('bob', 'POST', '/v1/requests/rq_none/decline'), 404);
      expectStatus(await send('bob', 'POST', `/v1/requests/${'x'.repeat(65)}/decline`), 400);
      expectStatus(
        await send('alice', 'POST', `/v1/requests/${other.body.data[0].id}/cancel`),
        200,
      );
      const bobs = other.body.data.find((r: { payerId: string }) => r.payerId === 'bob');
      expectStatus(await send('bob', 'POST', `/v1/requests/${bobs.id}/cancel`), 409);
      expectStatus(await send('bob', 'POST', '/v1/requests/rq_none/cancel'), 404);
      expectStatus(await send('bob', 'POST', `/v1/requests/${'x'.repeat(65)}/cancel`), 400);
      const firstRequests = await send('alice', 'GET', '/v1/requests?limit=1');
      expectStatus(firstRequests, 200);
      expectStatus(
        await send(
          'alice',
          'GET',
          `/v1/requests?limit=1&startingAfter=${firstRequests.body.nextCursor}&groupId=${other.body.groupId}`,
        ),
        200,
      );
      expectStatus(await send('alice', 'GET', '/v1/requests?limit=101'), 400);

      // Assistant preferences.
      expectStatus(await send('alice', 'GET', '/v1/assistant/preferences'), 200);
      expectStatus(await send('alice', 'PUT', '/v1/assistant/preferences', { enabled: true }), 200);
      expectStatus(
        await send('alice', 'PUT', '/v1/assistant/preferences', { enabled: 'yes' }),
        400,
      );
      const providers = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`p${i}`, 'on']));
      expectStatus(await send('alice', 'PUT', '/v1/assistant/preferences', { providers }), 200);
      expectStatus(
        await send('alice', 'PUT', '/v1/assistant/preferences', { providers: { one: 'on' } }),
        422,
      );

      // Events.
      expectStatus(await send('alice', 'GET', '/v1/events'), 200);
      expectStatus(await send('alice', 'GET', '/v1/events?lastEventId=x'), 400);
      expectStatus(
        await send('alice', 'GET', '/v1/events', undefined, { 'last-event-id': '999999' }),
        400,
      );
      const streams = await Promise.all(
        Array.from({ length: 10 }, async () => {
          const abort = new AbortController();
          const res = await t.app.request('/v1/events', {
            headers: { authorization: `Bearer ${await token('streamer')}` },
            signal: abort.signal,
          });
          return { abort, res };
        }),
      );
      // The 11th closes the oldest (events/stream.test.ts), rather than being refused.
      expectStatus(await send('streamer', 'GET', '/v1/events'), 200);
      for (const s of streams) {
        s.abort.abort();
        await s.res.body?.cancel().catch(() => undefined);
      }
      const draining = await testApp(db.store);
      draining.app.drain();
      expectStatus(await send('alice', 'GET', '/v1/events', undefined, {}, draining), 503);

      // Admin.
      expectStatus(await send(SECRET_KEY, 'GET', '/v1/admin/accounts/alice'), 200);
      expectStatus(await send(SECRET_KEY, 'GET', '/v1/admin/accounts/nobody'), 404);
      expectStatus(await send(SECRET_KEY, 'GET', `/v1/admin/accounts/${'x'.repeat(256)}`), 400);
      const flags = await send(SECRET_KEY, 'GET', '/v1/admin/flags?status=open&limit=1');
      expectStatus(flags, 200);
      expectStatus(await send(SECRET_KEY, 'GET', '/v1/admin/flags?status=nope'), 400);
      const flag = `/v1/admin/flags/${flags.body.data[0].id}/resolve`;
      expectStatus(await send(SECRET_KEY, 'POST', flag, { decision: 'maybe' }), 400);
      expectStatus(await send(SECRET_KEY, 'POST', flag, { decision: 'approve' }), 200);
      expectStatus(await send(SECRET_KEY, 'POST', flag, { decision: 'reject' }), 409);
      expectStatus(
        await send(SECRET_KEY, 'POST', '/v1/admin/flags/fl_none/resolve', { decision: 'reject' }),
        404,
      );
      expectStatus(await send(SECRET_KEY, 'POST', '/v1/admin/accounts/frozen1/unfreeze'), 200);
      expectStatus(await send(SECRET_KEY, 'POST', '/v1/admin/accounts/nobody/unfreeze'), 404);
      expectStatus(await send(SECRET_KEY, 'POST', '/v1/admin/accounts/nobody/freeze'), 404);
      expectStatus(
        await send(SECRET_KEY, 'POST', `/v1/admin/accounts/${'x'.repeat(256)}/freeze`),
        400,
      );
      expectStatus(
        await send(SECRET_KEY, 'POST', `/v1/admin/accounts/${'x'.repeat(256)}/unfreeze`),
        400,
      );
      // The webhook outbox: without a URL nowhere to send again, with one each message.
      const webhooks = {
        url: 'http://127.0.0.1:9/settle',
        secret: `whsec_${Buffer.alloc(32, 5).toString('base64')}`,
      };
      const hooked = await testApp(db.store, { webhooks });
      const messages = await send(SECRET_KEY, 'GET', '/v1/admin/webhooks?limit=1');
      expectStatus(messages, 200);
      expectStatus(await send(SECRET_KEY, 'GET', '/v1/admin/webhooks?status=lost'), 400);
      const message = `/v1/admin/webhooks/${messages.body.data[0].id}/retry`;
      expectStatus(await send(SECRET_KEY, 'POST', message), 409);
      expectStatus(await send(SECRET_KEY, 'POST', message, undefined, {}, hooked), 200);
      expectStatus(
        await send(SECRET_KEY, 'POST', '/v1/admin/webhooks/ev_none/retry', undefined, {}, hooked),
        404,
      );
      expectStatus(await send(SECRET_KEY, 'POST', '/v1/admin/webhooks/retry-failed', {}), 409);
      expectStatus(
        await send(SECRET_KEY, 'POST', '/v1/admin/webhooks/retry-failed', {}, {}, hooked),
        200,
      );
      expectStatus(
        await send(SECRET_KEY, 'POST', '/v1/admin/webhooks/retry-failed', { since: 'then' }),
        400,
      );
      // A user token is not a platform key.
      expectStatus(await send('alice', 'GET', '/v1/admin/flags'), 401);

      // The database stops answering: every operation says 503 with Retry-After, as documented.
      const gate = { down: false };
      const cut = await testApp(gated(db.store, gate), { webhooks });
      gate.down = true;
      for (const [op, [as, method, path, body, headers]] of answered) {
        const r = await send(as, method, path, body, headers, cut);
        if (r.status !== 503) problems.push(`${op} with the database down: ${r.status}`);
      }
      broken = false;
    }, 120_000);

    it('found nothing wrong', () => {
      expect(problems).toEqual([]);
    });

    it('lists no status that nothing reaches', () => {
      expect(broken, 'the test above failed: its coverage means nothing').toBe(false);
      const missing: string[] = [];
      for (const [path, methods] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(methods)) {
          const key = `${method.toUpperCase()} ${path}`;
          for (const status of Object.keys(op.responses)) {
            if (!seen.get(key)?.has(Number(status))) missing.push(`${key} ${status}`);
          }
        }
      }
      expect(missing).toEqual([]);
    });
  },
);
