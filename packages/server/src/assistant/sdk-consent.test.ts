import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import {
  type AssistantProvider,
  ConsentStoreError,
  createAssistant,
  moneyProvider,
  serverConsent,
} from '@settle/sdk/assistant';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken, type TestApp, testApp } from '../testing/platform.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';

// The SDK's assistant (built: `npm run build`) keeping its choices on this server.
const chat = { id: 'c1', participants: ['alice', 'bob'], locale: 'en-US' };
let seq = 0;
const msg = (text: string, authorId = 'bob') => ({ id: `m${++seq}`, text, authorId });

function weather() {
  const seen: string[] = [];
  const provider: AssistantProvider = {
    id: 'weather',
    kinds: ['weather'],
    remote: true,
    analyze(message) {
      seen.push(message.text);
      return message.text.includes('weather') ? [{ kind: 'weather', title: 'Sunny, 21 °C' }] : [];
    },
  };
  return { provider, seen };
}

describe.each(await storeKinds())('the assistant’s choices on the %s store', (kind) => {
  let db: TestStore;
  let t: TestApp;
  beforeAll(async () => {
    db = await openTestStore(kind);
    t = await testApp(db.store);
  });
  afterAll(() => db.cleanup());

  const token = (userId: string) =>
    mintToken(t.keys, userId, { iat: Math.floor(t.clock.now / 1000) });
  /** One device of `userId`: the SDK calling the app in-process. */
  const device = (userId: string, ask?: (p: AssistantProvider) => Promise<boolean>) => {
    const consent = serverConsent({
      baseUrl: 'https://settle.test',
      token: () => token(userId),
      fetch: async (url, init) => t.app.fetch(new Request(url, init)),
    });
    const providers = [moneyProvider({ currency: 'USD' }), weather().provider];
    return createAssistant({ userId, providers, consent, cadence: 1, ...(ask ? { ask } : {}) });
  };

  it('follows the user from one device to another', async () => {
    const phone = device('alice');
    const suggestion = await phone.observe(msg('you owe me $20'), chat);
    expect(suggestion).toMatchObject({ data: { action: 'send', counterpart: 'bob' } });
    await phone.notHere(suggestion?.id as string);
    await phone.never('weather');

    const laptop = device('alice');
    expect(await laptop.observe(msg('you owe me $20'), chat)).toBeNull();
    expect(await laptop.refresh()).toMatchObject({
      mutedConversations: ['c1'],
      neverKinds: ['weather'],
    });
    expect((await t.call('alice', 'GET', '/v1/assistant/preferences')).body).toMatchObject({
      mutedConversations: ['c1'],
      neverKinds: ['weather'],
      version: 2,
    });
    expect((await t.call('bob', 'GET', '/v1/assistant/preferences')).body.version).toBe(0);
  });

  it('keeps choices made at the same time on two devices', async () => {
    const phone = device('carol');
    const laptop = device('carol');
    await Promise.all([
      phone.setProviderEnabled('weather', false),
      laptop.update({ mutedConversations: { add: ['c7'] } }),
      phone.never('money'),
      laptop.setEnabled(false),
    ]);
    const { body } = await t.call('carol', 'GET', '/v1/assistant/preferences');
    expect(body).toMatchObject({
      enabled: false,
      providers: { weather: 'off' },
      mutedConversations: ['c7'],
      neverKinds: ['money'],
      version: 4,
    });
    expect(await phone.refresh()).toEqual(await laptop.refresh());
  });

  it('asks about a remote provider once, on the first device that needs it', async () => {
    let asked = 0;
    const ask = async () => {
      asked++;
      return true;
    };
    const phone = device('dave', ask);
    expect(await phone.observe(msg('weather?'), chat)).toMatchObject({ kind: 'weather' });
    await phone.refresh(); // the answer is saved
    const laptop = device('dave', ask);
    expect(await laptop.observe(msg('weather?'), chat)).toMatchObject({ kind: 'weather' });
    expect(asked).toBe(1);
  });

  it('works through any fetcher that adds the token, such as the SDK client', async () => {
    const consent = serverConsent({
      fetch: async (path, init = {}) => {
        const headers = new Headers(init.headers);
        headers.set('Authorization', `Bearer ${await token('erin')}`);
        return t.app.request(path, { ...init, headers });
      },
    });
    expect(await consent.save({ neverKinds: { add: ['ride'] } })).toEqual({
      enabled: true,
      providers: {},
      mutedConversations: [],
      neverKinds: ['ride'],
      version: 1,
    });
    expect((await consent.load()).neverKinds).toEqual(['ride']);
  });

  it('reports the server’s refusals with their code, and changes nothing', async () => {
    const consent = serverConsent({
      baseUrl: 'https://settle.test',
      token: () => token('frank'),
      fetch: async (url, init) => t.app.fetch(new Request(url, init)),
    });
    const refusal = await consent
      .save({ providers: { 'not an id': 'on' }, enabled: false })
      .catch((e) => e);
    expect(refusal).toBeInstanceOf(ConsentStoreError);
    expect(refusal).toMatchObject({ status: 400, code: 'parameter_invalid' });
    expect((await consent.load()).enabled).toBe(true);

    const stranger = serverConsent({
      baseUrl: 'https://settle.test',
      token: 'not-a-token',
      fetch: async (url, init) => t.app.fetch(new Request(url, init)),
    });
    await expect(stranger.load()).rejects.toMatchObject({ status: 401, code: 'unauthenticated' });
  });
});

describe('the assistant’s choices over a real HTTP server', () => {
  let db: TestStore;
  let t: TestApp;
  let server: ReturnType<typeof serve>;
  let baseUrl: string;
  beforeAll(async () => {
    db = await openTestStore('sqlite');
    t = await testApp(db.store);
    server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await db.cleanup();
  });

  it('loads and saves with the global fetch and a fresh token per request', async () => {
    let tokens = 0;
    const consent = serverConsent({
      baseUrl,
      token: () => {
        tokens++;
        return mintToken(t.keys, 'gina');
      },
    });
    const assistant = createAssistant({
      userId: 'gina',
      providers: [moneyProvider({ currency: 'EUR' })],
      consent,
    });
    await assistant.setEnabled(false);
    expect(await consent.load()).toMatchObject({ enabled: false, version: 1 });
    expect(tokens).toBe(3);
  });

  it('says when the server cannot be reached', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
        probe.close(() => resolve(info.port)),
      );
    });
    const consent = serverConsent({ baseUrl: `http://127.0.0.1:${closed}`, token: 'x' });
    await expect(consent.load()).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });
});
