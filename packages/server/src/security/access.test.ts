import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Document, operationsOf } from '../fuzz/operations.js';
import {
  enroll,
  mintToken,
  nextPhone,
  SECRET_KEY,
  type TestApp,
  testApp,
} from '../testing/platform.js';
import { changes, snapshot } from '../testing/snapshot.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';

const eur = (value: number) => ({ value, currency: 'EUR' });
type Answer = { status: number; body: { error?: { code: string }; [k: string]: unknown } };

/**
 * Insecure direct object references: for every user route of the API, what Mallory (enrolled,
 * with a valid token) tries against what belongs to Alice and Bob, and what Bob and Carol may
 * not do to Alice's either. Each attempt is refused, and refused as "no such resource" where a
 * stranger asks, so ids do not even confirm that something exists.
 */
describe.each(await storeKinds())('one user against another’s money, on the %s store', (kind) => {
  let db: TestStore;
  let t: TestApp;
  // Alice paid Bob, sent money to Carol (not enrolled yet), and asked Bob for money.
  const ids = { paid: '', awaiting: '', request: '', group: '', flag: '', authorization: '' };

  beforeAll(async () => {
    db = await openTestStore(kind);
    // A first transfer of 20 EUR or more to someone new is held for review, raising a flag.
    t = await testApp(db.store, { risk: { largeToNewRecipient: 2000 } });
    for (const user of ['alice', 'bob', 'mallory']) await enroll(t, user, { phone: nextPhone() });
    const paid = await t.pay('alice', '/v1/transfers', {
      recipientId: 'bob',
      amount: eur(1500),
      conversationId: 'conv-ab',
    });
    const awaiting = await t.pay('alice', '/v1/transfers', {
      recipientId: 'carol',
      amount: eur(900),
    });
    const request = await t.pay('alice', '/v1/requests', {
      conversationId: 'conv-ab',
      payers: [{ userId: 'bob', amount: eur(700) }],
    });
    const held = await t.pay('alice', '/v1/transfers', { recipientId: 'dave', amount: eur(2500) });
    const authorization = await t.call('alice', 'POST', '/v1/authorizations', {
      pin: '914273',
      amount: eur(4000),
      payeeId: 'bob',
    });
    expect([paid.body.status, awaiting.body.status, held.body.review]).toEqual([
      'completed',
      'awaiting_recipient',
      true,
    ]);
    const flags = await t.app.request('/v1/admin/flags', {
      headers: { Authorization: `Bearer ${SECRET_KEY}` },
    });
    Object.assign(ids, {
      paid: paid.body.id,
      awaiting: awaiting.body.id,
      request: request.body.data[0].id,
      group: request.body.groupId,
      flag: ((await flags.json()) as { data: { id: string }[] }).data[0]?.id,
      authorization: authorization.body.authorization,
    });
  });
  afterAll(() => db.cleanup());

  /** Mallory's attempts on each route, and what must come back. */
  const attempts: Record<string, () => Promise<Array<[Answer, number, string?]>>> = {
    'GET /v1/transfers/{id}': async () => [
      [await t.call('mallory', 'GET', `/v1/transfers/${ids.paid}`), 404],
      [await t.call('mallory', 'GET', `/v1/transfers/${ids.awaiting}`), 404],
    ],
    'POST /v1/transfers/{id}/cancel': async () => [
      [await t.call('mallory', 'POST', `/v1/transfers/${ids.awaiting}/cancel`), 404],
      // Even its recipient cannot take back what Alice sent.
      [await t.call('carol', 'POST', `/v1/transfers/${ids.awaiting}/cancel`), 404],
    ],
    'GET /v1/transfers': async () => [
      [await t.call('mallory', 'GET', '/v1/transfers?conversationId=conv-ab'), 200],
    ],
    'POST /v1/transfers': async () => [
      // Paying Alice's request to Bob, as if Mallory were Bob.
      [
        await t.pay('mallory', '/v1/transfers', {
          recipientId: 'alice',
          amount: eur(700),
          requestId: ids.request,
        }),
        404,
      ],
      // Spending Alice's PIN authorization.
      [
        await t.pay('mallory', '/v1/transfers', {
          recipientId: 'bob',
          amount: eur(4000),
          authorization: ids.authorization,
        }),
        403,
        'authentication_required',
      ],
    ],
    'POST /v1/authorizations': async () => [
      // Alice's PIN does not open Mallory's account.
      [
        await t.call('mallory', 'POST', '/v1/authorizations', {
          pin: '000111',
          amount: eur(4000),
          payeeId: 'bob',
        }),
        403,
        'authentication_failed',
      ],
    ],
    'GET /v1/requests/{id}': async () => [
      [await t.call('mallory', 'GET', `/v1/requests/${ids.request}`), 404],
    ],
    'POST /v1/requests/{id}/decline': async () => [
      [await t.call('mallory', 'POST', `/v1/requests/${ids.request}/decline`), 404],
      // Only the payer declines.
      [
        await t.call('alice', 'POST', `/v1/requests/${ids.request}/decline`),
        409,
        'request_not_yours',
      ],
    ],
    'POST /v1/requests/{id}/cancel': async () => [
      [await t.call('mallory', 'POST', `/v1/requests/${ids.request}/cancel`), 404],
      // Only the requester withdraws.
      [await t.call('bob', 'POST', `/v1/requests/${ids.request}/cancel`), 409, 'request_not_yours'],
    ],
    'GET /v1/requests': async () => [
      [await t.call('mallory', 'GET', `/v1/requests?groupId=${ids.group}`), 200],
      [await t.call('mallory', 'GET', '/v1/requests?conversationId=conv-ab'), 200],
    ],
    'POST /v1/requests': async () => [
      // The requester is the caller, never a field of the body.
      [
        await t.pay('mallory', '/v1/requests', {
          requesterId: 'alice',
          payers: [{ userId: 'bob', amount: eur(700) }],
        }),
        400,
      ],
    ],
    // The account routes act on the caller's account only: the body cannot name another.
    'GET /v1/account': async () => [
      [await t.call('mallory', 'GET', '/v1/account?userId=alice'), 200],
    ],
    'PUT /v1/account/profile': async () => [
      [
        await t.call('mallory', 'PUT', '/v1/account/profile', {
          userId: 'alice',
          legalName: 'Mallory',
          country: 'FR',
          phone: '+33612345678',
        }),
        400,
      ],
    ],
    'POST /v1/account/card': async () => [
      [await t.call('mallory', 'POST', '/v1/account/card', { userId: 'alice', token: 'x' }), 400],
    ],
    'PUT /v1/account/pin': async () => [
      [await t.call('mallory', 'PUT', '/v1/account/pin', { userId: 'alice', pin: '583920' }), 400],
    ],
    'POST /v1/account/verification': async () => [
      // Sends a code for Mallory's own account, which needs none: refused.
      [await t.call('mallory', 'POST', '/v1/account/verification', { userId: 'alice' }), 409],
    ],
    'POST /v1/account/verification/check': async () => [
      [
        await t.call('mallory', 'POST', '/v1/account/verification/check', {
          userId: 'alice',
          code: '123456',
        }),
        400,
      ],
    ],
    'POST /v1/account/unlock': async () => [
      [
        await t.call('mallory', 'POST', '/v1/account/unlock', {
          userId: 'alice',
          code: '123456',
          pin: '583920',
        }),
        400,
      ],
    ],
    'POST /v1/account/secure': async () => [
      // A query naming Alice secures only the caller (Carol, who has no account yet): Alice's
      // row stays as it was, checked below.
      [await t.call('carol', 'POST', '/v1/account/secure?userId=alice'), 200],
    ],
    'GET /v1/assistant/preferences': async () => [
      [await t.call('mallory', 'GET', '/v1/assistant/preferences?userId=alice'), 200],
    ],
    'PUT /v1/assistant/preferences': async () => [
      [
        await t.call('mallory', 'PUT', '/v1/assistant/preferences', {
          userId: 'alice',
          enabled: false,
        }),
        400,
      ],
    ],
    'GET /v1/events': async () => [[await firstEvents('mallory'), 200]],
    'POST /v1/card-tokens': async () => [
      // Card tokens belong to no one until attached; attaching needs the caller's own account.
      [await t.call(null, 'POST', '/v1/card-tokens', { number: 'x', userId: 'alice' }), 400],
    ],
  };

  /** The events a user's stream sends at once, from the first: their own only. */
  async function firstEvents(userId: string): Promise<Answer> {
    const abort = new AbortController();
    const token = await mintToken(t.keys, userId, { iat: Math.floor(t.clock.now / 1000) });
    const res = await t.app.request('/v1/events', {
      headers: { Authorization: `Bearer ${token}` },
      signal: abort.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const until = Date.now() + 1000;
    while (Date.now() < until && (text.match(/^id: /gm)?.length ?? 0) < 4) {
      const chunk = await Promise.race([
        reader.read(),
        new Promise<undefined>((r) => setTimeout(() => r(undefined), 200)),
      ]);
      if (chunk?.value) text += new TextDecoder().decode(chunk.value);
    }
    abort.abort();
    await reader.cancel().catch(() => undefined);
    return { status: res.status, body: { text } };
  }

  it('covers every user route of /openapi.json', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as Document;
    const routes = operationsOf(doc)
      .filter((op) => op.security !== 'platform')
      .map((op) => `${op.method} ${op.path}`);
    expect(Object.keys(attempts).sort()).toEqual(routes.sort());
  });

  it('refuses every attempt on another user’s transfers, requests and account, changing nothing of theirs', async () => {
    const before = await snapshot(db.store);
    const answered: unknown[] = [];
    for (const [route, attempt] of Object.entries(attempts)) {
      for (const [answer, status, code] of await attempt()) {
        expect(answer.status, `${route}: ${JSON.stringify(answer.body)}`).toBe(status);
        if (code) expect(answer.body.error?.code).toBe(code);
        if (status === 200) answered.push(answer.body);
      }
    }
    // Whatever the others listed, read or streamed, nothing was Alice's or Bob's.
    const seen = JSON.stringify([
      ...answered,
      (await t.call('mallory', 'GET', '/v1/transfers')).body,
      (await t.call('mallory', 'GET', '/v1/requests')).body,
    ]);
    for (const id of [ids.paid, ids.awaiting, ids.request, ids.group]) {
      expect(seen).not.toContain(id);
    }
    expect(seen).not.toMatch(/"(alice|bob)"/);
    expect(seen).toContain('event: account.updated');
    // Alice's and Bob's rows are as they were; only Carol's own account came to exist. Ids may
    // be quoted inside a JSON string (a webhook's payload): \"carol\".
    const changed = changes(before, await snapshot(db.store)).filter(
      (c) => !/\\?"(mallory|carol)\\?"/.test(c) || /\\?"(alice|bob)\\?"/.test(c),
    );
    expect(changed).toEqual([]);
  });

  it('lets the two parties, and only them, see a transfer', async () => {
    expect((await t.call('alice', 'GET', `/v1/transfers/${ids.paid}`)).status).toBe(200);
    expect((await t.call('bob', 'GET', `/v1/transfers/${ids.paid}`)).status).toBe(200);
    expect((await t.call('mallory', 'GET', `/v1/transfers/${ids.paid}`)).status).toBe(404);
  });

  it('keeps Idempotency-Keys per user: another user’s key never replays their transfer', async () => {
    const key = 'shared-key-1';
    const body = { recipientId: 'bob', amount: eur(1100) };
    const alices = await t.pay('alice', '/v1/transfers', body, key);
    const mallorys = await t.pay('mallory', '/v1/transfers', body, key);
    expect(alices.status).toBe(201);
    expect(mallorys.status).toBe(201);
    expect(mallorys.body.id).not.toBe(alices.body.id);
    expect(mallorys.body.senderId).toBe('mallory');
  });

  it('keeps anti-fraud flags and other accounts to the platform’s secret key', async () => {
    const token = await mintToken(t.keys, 'alice', { iat: Math.floor(t.clock.now / 1000) });
    for (const [method, path] of [
      ['GET', '/v1/admin/flags'],
      ['POST', `/v1/admin/flags/${ids.flag}/resolve`],
      ['GET', '/v1/admin/accounts/bob'],
      ['POST', '/v1/admin/accounts/bob/freeze'],
      ['POST', '/v1/admin/accounts/alice/unfreeze'],
    ] as const) {
      const res = await t.app.request(path, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        ...(method === 'POST' ? { body: '{"decision":"approve"}' } : {}),
      });
      expect(res.status, `${method} ${path}`).toBe(401);
    }
    const flag = await t.app.request('/v1/admin/flags?status=open', {
      headers: { Authorization: `Bearer ${SECRET_KEY}` },
    });
    expect(JSON.stringify(await flag.json())).toContain(ids.flag);
  });
});
