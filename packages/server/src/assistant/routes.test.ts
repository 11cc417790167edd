import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../testing/platform.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';

const path = '/v1/assistant/preferences';

describe.each(await storeKinds())('assistant preferences on the %s store', (kind) => {
  let db: TestStore;
  let t: TestApp;
  beforeAll(async () => {
    db = await openTestStore(kind);
    t = await testApp(db.store);
  });
  afterAll(() => db.cleanup());

  it('starts with the assistant on and no choice made', async () => {
    const res = await t.call('fresh', 'GET', path);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      enabled: true,
      providers: {},
      mutedConversations: [],
      neverKinds: [],
      version: 0,
      updatedAt: null,
    });
  });

  it('sets the given choices, keeps the others, and reads them back', async () => {
    let res = await t.call('alice', 'PUT', path, {
      providers: { weather: 'on', ride: 'off' },
      mutedConversations: { add: ['conv_1', 'conv_2'] },
      neverKinds: { add: ['reminder'] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      enabled: true,
      providers: { weather: 'on', ride: 'off' },
      mutedConversations: ['conv_1', 'conv_2'],
      neverKinds: ['reminder'],
      version: 1,
    });
    expect(new Date(res.body.updatedAt).getTime()).toBe(Math.floor(t.clock.now));

    res = await t.call('alice', 'PUT', path, {
      enabled: false,
      providers: { ride: null, money: 'off' },
      mutedConversations: { remove: ['conv_1'], add: ['conv_3'] },
      neverKinds: { remove: ['reminder'] },
    });
    expect(res.body).toMatchObject({
      enabled: false,
      providers: { weather: 'on', money: 'off' },
      mutedConversations: ['conv_2', 'conv_3'],
      neverKinds: [],
      version: 2,
    });
    expect(res.body.providers).not.toHaveProperty('ride');
    expect((await t.call('alice', 'GET', path)).body).toEqual(res.body);
  });

  it('changes nothing, not even the version, when a change is repeated', async () => {
    const change = { mutedConversations: { add: ['conv_9'] }, providers: { weather: 'off' } };
    const first = await t.call('carol', 'PUT', path, change);
    const again = await t.call('carol', 'PUT', path, change);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect((await t.call('carol', 'PUT', path, {})).body.version).toBe(first.body.version);
  });

  it('keeps each user’s choices to that user', async () => {
    await t.call('dave', 'PUT', path, { enabled: false, neverKinds: { add: ['money'] } });
    const erin = await t.call('erin', 'GET', path);
    expect(erin.body).toMatchObject({ enabled: true, neverKinds: [], version: 0 });
    expect((await t.call('dave', 'GET', path)).body).toMatchObject({
      enabled: false,
      neverKinds: ['money'],
    });
  });

  it('keeps every change made at the same time from several devices', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `conv_${i}`);
    const results = await Promise.all(
      ids.map((id) => t.call('frank', 'PUT', path, { mutedConversations: { add: [id] } })),
    );
    expect(results.map((r) => r.status)).toEqual(ids.map(() => 200));
    const { body } = await t.call('frank', 'GET', path);
    expect([...body.mutedConversations].sort()).toEqual([...ids].sort());
    expect(body.version).toBe(20);
  });

  it('keeps the newest 500 muted conversations', async () => {
    const ids = Array.from({ length: 500 }, (_, i) => `c${i}`);
    await t.call('gina', 'PUT', path, { mutedConversations: { add: ids } });
    const { body } = await t.call('gina', 'PUT', path, { mutedConversations: { add: ['c500'] } });
    expect(body.mutedConversations).toHaveLength(500);
    expect(body.mutedConversations[0]).toBe('c1');
    expect(body.mutedConversations.at(-1)).toBe('c500');
  });

  it.each([
    ['an unknown field', { colour: 'blue' }, undefined],
    ['a boolean as text', { enabled: 'no' }, 'enabled'],
    ['an unknown choice', { providers: { weather: 'maybe' } }, 'providers.weather'],
    ['an empty id', { mutedConversations: { add: [''] } }, 'mutedConversations.add.0'],
    ['a provider id that is not a name', { providers: { 'a b': 'on' } }, 'providers.a b'],
    ['a kind that is not a name', { neverKinds: { add: ['_x'] } }, 'neverKinds.add.0'],
    [
      'a conversation id over 255 characters',
      { mutedConversations: { add: ['x'.repeat(256)] } },
      'mutedConversations.add.0',
    ],
    ['a kind over 100 characters', { neverKinds: { add: ['x'.repeat(101)] } }, 'neverKinds.add.0'],
    [
      'over 500 entries',
      { mutedConversations: { add: Array.from({ length: 501 }, (_, i) => `${i}`) } },
      'mutedConversations.add',
    ],
    ['over 100 providers', { providers: manyProviders(101) }, 'providers'],
    ['an id added and removed', { neverKinds: { add: ['a'], remove: ['a'] } }, 'neverKinds'],
    ['a list instead of an object', [{ enabled: false }], undefined],
    ['text that is not JSON', '{"enabled": fal', undefined],
    // Objects drop this key, so without a check the request would half succeed.
    ['a __proto__ provider id', '{"providers":{"__proto__":"on","weather":"on"}}', undefined],
  ])('refuses %s with a 400 and changes nothing', async (_, body, param) => {
    const before = await t.call('ivy', 'PUT', path, { neverKinds: { add: ['weather'] } });
    const res = await t.call('ivy', 'PUT', path, body);
    expect(res.status).toBe(400);
    expect(res.body.error.type).toBe('invalid_request_error');
    if (param) expect(res.body.error.param).toBe(param);
    expect((await t.call('ivy', 'GET', path)).body).toEqual(before.body);
  });

  it.each(['Application/JSON', 'application/merge-patch+JSON; charset=utf-8'])(
    'refuses an ambiguous body sent as %s, which the route parses as JSON too',
    async (contentType) => {
      const before = await t.call('kim', 'PUT', path, { enabled: true });
      const twice = '{"enabled":true,"enabled":false}';
      const res = await t.call('kim', 'PUT', path, twice, contentType);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe('Duplicate key `enabled`.');
      expect((await t.call('kim', 'GET', path)).body).toEqual(before.body);
    },
  );

  it('refuses choices for more than 100 providers in all with a 422 and changes nothing', async () => {
    await t.call('jade', 'PUT', path, { providers: manyProviders(100) });
    const before = await t.call('jade', 'GET', path);
    const res = await t.call('jade', 'PUT', path, { providers: { extra: 'on' }, enabled: false });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'too_many_providers', param: 'providers' });
    expect((await t.call('jade', 'GET', path)).body).toEqual(before.body);
    const forget = await t.call('jade', 'PUT', path, { providers: { p0: null, extra: 'on' } });
    expect(forget.status).toBe(200);
  });

  it('needs a user token', async () => {
    expect((await t.call(null, 'GET', path)).status).toBe(401);
    expect((await t.call(null, 'PUT', path, { enabled: false })).status).toBe(401);
  });
});

function manyProviders(count: number) {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`p${i}`, 'on']));
}
