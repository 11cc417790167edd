import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enroll, nextPhone, type TestApp, testApp } from '../testing/platform.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';

const eur = (value: number) => ({ value, currency: 'EUR' });
/** As the SDK builds its query strings: a space becomes `+`, a `+` becomes `%2B`. */
const query = (conversationId: string) => new URLSearchParams({ conversationId }).toString();

/** Ids chat platforms really use, and pairs a careless decoder would take for one another. */
const ids = [
  '!OGEhHVWSdvArJzumhm:matrix.org',
  'C024BE91L',
  '1098765432101234567',
  'team/general',
  'https://chat.example/rooms/42?tab=pay&x=1#top',
  'aGVsbG8+d29ybGQ/Zm9v==',
  '~alice/Réunion 💬',
  'room+1',
  'room 1',
  'room %41',
  'room A',
  'https://chat.example/'.padEnd(255, 'x'),
  // The most bytes an id can take (765 in UTF-8), still within an index entry.
  '会'.repeat(255),
];

const refused: [string, RegExp][] = [
  ['', /cannot be empty/],
  ['x'.repeat(256), /at most 255 characters/],
  ['room\n1', /control characters/],
  ['room\t1', /control characters/],
  ['room\u00001', /control characters/],
  ['room\u202e1', /bidi controls/],
  [' room', /begin or end with spaces/],
  ['room\u00a0', /begin or end with spaces/],
];

describe.each(await storeKinds())(
  'conversation ids as platforms make them, on the %s store',
  (kind) => {
    let db: TestStore;
    let t: TestApp;

    beforeAll(async () => {
      db = await openTestStore(kind);
      // Neither the PIN nor the velocity rules are what is tested here.
      t = await testApp(db.store, {
        scaExemption: { perPayment: 1e9, sinceLastPin: 1e12, countSinceLastPin: 1e6 },
        risk: { velocityReview: 10_000, velocityBlock: 10_000, largeToNewRecipient: 1e9 },
      });
      for (const id of ['alice', 'bob']) await enroll(t, id, { phone: nextPhone() });
    });
    afterAll(() => db.cleanup());

    it('pays and asks in each conversation, and lists each one’s history alone', async () => {
      for (const [i, id] of ids.entries()) {
        const sent = await t.pay('alice', '/v1/transfers', {
          recipientId: 'bob',
          amount: eur(100 + i),
          conversationId: id,
        });
        expect([sent.status, sent.body.conversationId]).toEqual([201, id]);
        const asked = await t.pay('alice', '/v1/requests', {
          payers: [{ userId: 'bob', amount: eur(200 + i) }],
          conversationId: id,
        });
        expect([asked.status, asked.body.data[0].conversationId]).toEqual([201, id]);
      }
      for (const [i, id] of ids.entries()) {
        const transfers = await t.call('bob', 'GET', `/v1/transfers?${query(id)}`);
        expect(transfers.status).toBe(200);
        expect(
          transfers.body.data.map((x: { amount: { value: number } }) => x.amount.value),
        ).toEqual([100 + i]);
        const requests = await t.call('bob', 'GET', `/v1/requests?${query(id)}`);
        expect(
          requests.body.data.map((x: { amount: { value: number } }) => x.amount.value),
        ).toEqual([200 + i]);
      }
    });

    it('mutes suggestions in such conversations', async () => {
      const res = await t.call('alice', 'PUT', '/v1/assistant/preferences', {
        mutedConversations: { add: ids },
      });
      expect([res.status, res.body.mutedConversations]).toEqual([200, ids]);
    });

    it('refuses, with a clear 400 and changing nothing, ids no platform makes', async () => {
      const before = await t.call('alice', 'GET', '/v1/transfers?limit=100');
      const prefs = await t.call('bob', 'GET', '/v1/assistant/preferences');
      for (const [id, reason] of refused) {
        const calls = [
          t.pay('alice', '/v1/transfers', {
            recipientId: 'bob',
            amount: eur(1),
            conversationId: id,
          }),
          t.pay('alice', '/v1/requests', {
            payers: [{ userId: 'bob', amount: eur(1) }],
            conversationId: id,
          }),
          t.call('alice', 'GET', `/v1/transfers?${query(id)}`),
          t.call('alice', 'GET', `/v1/requests?${query(id)}`),
        ];
        for (const res of await Promise.all(calls)) {
          expect([res.status, res.body.error.param]).toEqual([400, 'conversationId']);
          expect(res.body.error.message, JSON.stringify(id)).toMatch(reason);
        }
        const muted = await t.call('bob', 'PUT', '/v1/assistant/preferences', {
          mutedConversations: { add: [id] },
        });
        expect([muted.status, muted.body.error.param]).toEqual([400, 'mutedConversations.add.0']);
      }
      // A lone surrogate can travel in JSON only, which refuses it: stored as U+FFFD, it would
      // make several conversations one.
      const lone = await t.pay('alice', '/v1/transfers', {
        recipientId: 'bob',
        amount: eur(1),
        conversationId: 'room\ud800',
      });
      expect([lone.status, lone.body.error.message]).toEqual([
        400,
        'Strings cannot hold lone surrogates (such as `\\ud800`).',
      ]);
      expect((await t.call('alice', 'GET', '/v1/transfers?limit=100')).body).toEqual(before.body);
      expect((await t.call('alice', 'GET', '/v1/requests?limit=100')).body.data).toHaveLength(
        ids.length,
      );
      expect((await t.call('bob', 'GET', '/v1/assistant/preferences')).body).toEqual(prefs.body);
    });
  },
);
