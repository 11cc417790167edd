import { describe, expect, it } from 'vitest';
import type { SettleEvent } from '../types.js';
import {
  type AssistantOptions,
  type AssistantProvider,
  type ConsentStore,
  createAssistant,
  memoryConsent,
  moneyProvider,
  type Suggestion,
} from './index.js';

const chat = { id: 'c1', participants: ['alice', 'bob'], locale: 'en-US' };
const other = { id: 'c2', participants: ['bob', 'dan'], locale: 'en-US' };

let seq = 0;
const msg = (text: string, authorId = 'alice') => ({ id: `m${++seq}`, text, authorId });

/**
 * A provider that suggests each of its kinds named in the message ("weather?" gives a
 * weather suggestion), and records the messages it was given.
 */
function keyword(id: string, kinds: string[], extra: Partial<AssistantProvider> = {}) {
  const seen: string[] = [];
  const provider: AssistantProvider = {
    id,
    kinds,
    analyze(message) {
      seen.push(message.text);
      return kinds
        .filter((kind) => message.text.includes(kind))
        .map((kind) => ({ kind, title: `${kind} by ${id}`, key: kind }));
    },
    ...extra,
  };
  return { provider, seen };
}

const make = (options: Partial<AssistantOptions> & Pick<AssistantOptions, 'providers'>) =>
  createAssistant({ userId: 'bob', consent: memoryConsent(), cadence: 1, ...options });

/** A promise the test settles. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('createAssistant: suggestions', () => {
  it('gives the UI at most one suggestion per conversation every `cadence` messages', async () => {
    const { provider } = keyword('weather', ['weather']);
    const assistant = make({ providers: [provider], cadence: 3 });
    const shown: Suggestion[] = [];
    assistant.onSuggestion((s) => shown.push(s));
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await assistant.observe(msg(`weather ${i}`), chat));
    expect(results.map((s) => s !== null)).toEqual([true, false, false, true, false, false, true]);
    expect(shown).toEqual(results.filter(Boolean));
    // Another conversation has its own count.
    expect(await assistant.observe(msg('weather'), other)).not.toBeNull();
  });

  it('counts the messages that had nothing to suggest', async () => {
    const { provider } = keyword('weather', ['weather']);
    const assistant = make({ providers: [provider], cadence: 3 });
    expect(await assistant.observe(msg('weather'), chat)).not.toBeNull();
    await assistant.observe(msg('hello'), chat);
    await assistant.observe(msg('how are you'), chat);
    expect(await assistant.observe(msg('weather again'), chat)).not.toBeNull();
  });

  it('keeps the first provider’s suggestion and merges equal ones', async () => {
    const first = keyword('first', ['weather']);
    const second = keyword('second', ['weather', 'ride']);
    const assistant = make({ providers: [first.provider, second.provider] });
    const s = await assistant.observe(msg('ride or weather?'), chat);
    expect(s).toMatchObject({ kind: 'weather', title: 'weather by first', providerId: 'first' });
    expect(second.seen).toEqual(['ride or weather?']);
    expect(await assistant.observe(msg('ride?'), chat)).toMatchObject({ providerId: 'second' });
  });

  it('gives a suggestion a stable id, the same on every device', async () => {
    const message = msg('weather');
    const ids = await Promise.all(
      [1, 2].map(async () => {
        const { provider } = keyword('weather', ['weather']);
        return (await make({ providers: [provider] }).observe(message, chat))?.id;
      }),
    );
    expect(ids[0]).toMatch(/^sug_[0-9a-z]+$/);
    expect(ids[1]).toBe(ids[0]);
    const { provider } = keyword('weather', ['weather']);
    const elsewhere = await make({ providers: [provider] }).observe(message, other);
    expect(elsewhere?.id).not.toBe(ids[0]);
  });

  it('shows a message’s suggestion once, even when the message is observed again', async () => {
    const { provider } = keyword('weather', ['weather']);
    const assistant = make({ providers: [provider] });
    const message = msg('weather');
    expect(await assistant.observe(message, chat)).not.toBeNull();
    expect(await assistant.observe(message, chat)).toBeNull();
  });

  it('drops suggestions of kinds the provider did not declare', async () => {
    const sneaky: AssistantProvider = {
      id: 'sneaky',
      kinds: ['weather'],
      analyze: () => [{ kind: 'ads', title: 'Buy now' }],
    };
    expect(await make({ providers: [sneaky] }).observe(msg('hi'), chat)).toBeNull();
  });

  it('goes on without a provider that fails or is too slow, or a listener that throws', async () => {
    const errors: Array<[unknown, string | undefined]> = [];
    let aborted = false;
    const broken: AssistantProvider = {
      id: 'broken',
      kinds: ['weather'],
      analyze: () => {
        throw new Error('boom');
      },
    };
    const slow: AssistantProvider = {
      id: 'slow',
      kinds: ['weather'],
      analyze: (_, { signal }) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve([{ kind: 'weather', title: 'too late' }]);
          });
        }),
    };
    const { provider } = keyword('ride', ['ride']);
    const assistant = make({
      providers: [broken, slow, provider],
      timeoutMs: 20,
      onError: (error, id) => errors.push([error, id]),
    });
    const heard: string[] = [];
    assistant.onSuggestion(() => {
      throw new Error('listener bug');
    });
    assistant.onSuggestion((s) => heard.push(s.kind));
    expect(await assistant.observe(msg('weather ride'), chat)).toMatchObject({ kind: 'ride' });
    expect(aborted).toBe(true);
    expect(heard).toEqual(['ride']);
    expect(errors.map(([, id]) => id)).toEqual(['broken', 'slow', undefined]);
  });

  it('withdraws the shown suggestions an event settles, each once, as their provider says', async () => {
    const event = { type: 'transfer.updated', data: { id: 'tr_1' } } as SettleEvent;
    const { provider } = keyword('ride', ['ride'], {
      settles: (suggestion, settling) => settling === event && suggestion.conversationId === 'c1',
    });
    const broken = keyword('weather', ['weather'], {
      settles: () => {
        throw new Error('settles bug');
      },
    }).provider;
    const errors: Array<string | undefined> = [];
    const assistant = make({
      providers: [provider, broken],
      onError: (_, id) => errors.push(id),
    });
    const withdrawn: string[] = [];
    const stop = assistant.onWithdraw((s) => withdrawn.push(s.id));
    const ride = await assistant.observe(msg('ride'), chat);
    await assistant.observe(msg('weather'), chat);
    await assistant.observe(msg('ride'), other);
    expect(assistant.observeEvent(event)).toEqual([ride]);
    expect(assistant.observeEvent(event)).toEqual([]);
    expect(withdrawn).toEqual([ride?.id]);
    expect(errors).toEqual(['weather', 'weather']);
    stop();
  });

  it('keeps what it showed while nobody listened for the first listener, once', async () => {
    const event = { type: 'transfer.updated', data: { id: 'tr_2' } } as SettleEvent;
    const { provider } = keyword('ride', ['ride'], {
      settles: (suggestion, settling) => settling === event && suggestion.conversationId === 'c2',
    });
    const assistant = make({ providers: [provider] });
    // The page's chips are not listening yet (their language is still loading, say).
    const early = await assistant.observe(msg('ride'), chat);
    await assistant.observe(msg('ride'), other);
    assistant.observeEvent(event);
    const first: Array<string | undefined> = [];
    const second: Array<string | undefined> = [];
    assistant.onSuggestion((s) => first.push(s.id));
    assistant.onSuggestion((s) => second.push(s.id));
    expect(first).toEqual([early?.id]);
    expect(second).toEqual([]);
    const later = await assistant.observe(msg('ride again'), chat);
    expect(first).toEqual([early?.id, later?.id]);
    expect(second).toEqual([later?.id]);
  });

  it('refuses providers with bad or repeated ids, or no kinds', () => {
    const { provider } = keyword('weather', ['weather']);
    expect(() => make({ providers: [provider, provider] })).toThrow(TypeError);
    expect(() => make({ providers: [{ ...provider, id: '__proto__' }] })).toThrow(TypeError);
    expect(() => make({ providers: [{ ...provider, kinds: [] }] })).toThrow(TypeError);
  });
});

describe('createAssistant: consent', () => {
  it('shows nothing and reads nothing while the assistant is off', async () => {
    const consent = memoryConsent();
    const weather = keyword('weather', ['weather']);
    const assistant = make({ providers: [weather.provider], consent });
    await assistant.setEnabled(false);
    expect(await assistant.observe(msg('weather'), chat)).toBeNull();
    expect(weather.seen).toEqual([]);
    expect((await consent.load()).enabled).toBe(false);
    await assistant.setEnabled(true);
    expect(await assistant.observe(msg('weather'), chat)).not.toBeNull();
  });

  it('leaves out a provider the user turned off', async () => {
    const weather = keyword('weather', ['weather']);
    const ride = keyword('ride', ['ride']);
    const assistant = make({ providers: [weather.provider, ride.provider] });
    await assistant.setProviderEnabled('weather', false);
    expect(await assistant.observe(msg('weather ride'), chat)).toMatchObject({ kind: 'ride' });
    expect(weather.seen).toEqual([]);
    expect(assistant.preferences()?.providers).toEqual({ weather: 'off' });
  });

  it('does not show a dismissed suggestion again in its conversation', async () => {
    const assistant = make({ providers: [moneyProvider({ currency: 'USD' })] });
    const first = await assistant.observe(msg('you owe me $20'), chat);
    assistant.dismiss(first?.id as string);
    expect(await assistant.observe(msg('you still owe me $20'), chat)).toBeNull();
    expect(await assistant.observe(msg('you owe me $35 now'), chat)).toMatchObject({
      data: { action: 'send', amount: { value: 3500 } },
    });
    const elsewhere = await assistant.observe(msg('you owe me $20', 'dan'), other);
    expect(elsewhere).not.toBeNull();
  });

  it('stops suggesting in a conversation after “not in this conversation”', async () => {
    const consent = memoryConsent();
    const weather = keyword('weather', ['weather']);
    const assistant = make({ providers: [weather.provider], consent });
    const s = await assistant.observe(msg('weather'), chat);
    await assistant.notHere(s?.id as string);
    expect(await assistant.observe(msg('weather'), chat)).toBeNull();
    expect(weather.seen).toHaveLength(1);
    expect(await assistant.observe(msg('weather'), other)).not.toBeNull();
    expect((await consent.load()).mutedConversations).toEqual(['c1']);
    await expect(assistant.notHere('sug_unknown')).rejects.toThrow(RangeError);
    await assistant.update({ mutedConversations: { remove: ['c1'] } });
    expect(await assistant.observe(msg('weather'), chat)).not.toBeNull();
  });

  it('never suggests a kind the user said never to, nor asks its providers', async () => {
    const consent = memoryConsent();
    const weather = keyword('weather', ['weather']);
    const both = keyword('both', ['ride', 'weather']);
    const assistant = make({ providers: [weather.provider, both.provider], consent });
    await assistant.never('weather');
    expect(await assistant.observe(msg('weather'), chat)).toBeNull();
    expect(await assistant.observe(msg('weather ride'), other)).toMatchObject({ kind: 'ride' });
    expect(weather.seen).toEqual([]);
    expect((await consent.load()).neverKinds).toEqual(['weather']);
  });

  it('keeps choices for the next session and for other devices on the same store', async () => {
    const consent = memoryConsent();
    const phone = make({ providers: [keyword('weather', ['weather']).provider], consent });
    const laptop = make({ providers: [keyword('weather', ['weather']).provider], consent });
    await laptop.refresh();
    await Promise.all([
      phone.never('weather'),
      laptop.update({ mutedConversations: { add: ['c9'] } }),
    ]);
    const later = make({ providers: [keyword('weather', ['weather']).provider], consent });
    expect(await later.refresh()).toMatchObject({
      neverKinds: ['weather'],
      mutedConversations: ['c9'],
      version: 2,
    });
    expect(await later.observe(msg('weather'), chat)).toBeNull();
  });

  it('obeys a choice at once, and saves it again when the store was down', async () => {
    const memory = memoryConsent();
    let down = false;
    const errors: unknown[] = [];
    const flaky: ConsentStore = {
      load: () => memory.load(),
      save: (change) => (down ? Promise.reject(new Error('offline')) : memory.save(change)),
    };
    const assistant = make({
      providers: [keyword('weather', ['weather']).provider],
      consent: flaky,
      onError: (e) => errors.push(e),
    });
    down = true;
    await expect(assistant.never('weather')).rejects.toThrow('offline');
    expect(await assistant.observe(msg('weather'), chat)).toBeNull();
    expect((await memory.load()).neverKinds).toEqual([]);
    down = false;
    await assistant.setEnabled(true);
    expect((await memory.load()).neverKinds).toEqual(['weather']);
  });

  it('shows nothing while the choices cannot be loaded', async () => {
    const memory = memoryConsent();
    let down = true;
    const errors: unknown[] = [];
    const flaky: ConsentStore = {
      load: () => (down ? Promise.reject(new Error('offline')) : memory.load()),
      save: (change) => memory.save(change),
    };
    const assistant = make({
      providers: [keyword('weather', ['weather']).provider],
      consent: flaky,
      onError: (e) => errors.push(e),
    });
    expect(await assistant.observe(msg('weather'), chat)).toBeNull();
    expect(errors.length).toBeGreaterThan(0);
    down = false;
    expect(await assistant.observe(msg('weather'), chat)).not.toBeNull();
  });
});

describe('createAssistant: gradual consent for remote providers', () => {
  const remote = () => keyword('weather', ['weather'], { remote: true, name: 'Weather' });

  it('asks once, the first time, and gives no message before the yes', async () => {
    const consent = memoryConsent();
    const weather = remote();
    const answer = deferred<boolean>();
    const asked: string[] = [];
    const assistant = make({
      providers: [weather.provider],
      consent,
      ask: (provider) => {
        asked.push(provider.id);
        return answer.promise;
      },
    });
    const pending = [assistant.observe(msg('hello'), chat)];
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(asked).toEqual(['weather']);
    pending.push(assistant.observe(msg('weather?'), chat), assistant.observe(msg('x'), other));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(asked).toEqual(['weather']);
    expect(weather.seen).toEqual([]);
    answer.resolve(true);
    const [hello, here] = await Promise.all(pending);
    expect(hello).toBeNull();
    expect(here).toMatchObject({ kind: 'weather' });
    expect(weather.seen).toEqual(['hello', 'weather?', 'x']);
    expect(await assistant.observe(msg('weather'), other)).not.toBeNull();
    expect(asked).toEqual(['weather']);
    expect((await consent.load()).providers).toEqual({ weather: 'on' });
  });

  it("shows the other providers' suggestion at once while the question is open", async () => {
    const weather = remote();
    const answer = deferred<boolean>();
    const assistant = make({
      providers: [weather.provider, moneyProvider({ currency: 'EUR' })],
      ask: () => answer.promise,
    });
    const shown: Suggestion[] = [];
    assistant.onSuggestion((s) => shown.push(s));
    const money = await assistant.observe(msg('tu me dois 20 € pour la météo weather'), {
      ...chat,
      locale: 'fr-FR',
    });
    expect(money).toMatchObject({ kind: 'money', data: { action: 'send' } });
    expect(shown).toEqual([money]);
    // The message has had its suggestion: after the yes, the waiting provider is not given it.
    answer.resolve(true);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(weather.seen).toEqual([]);
    expect(shown).toEqual([money]);
    // A message the others have nothing for waits for the answer, as before.
    expect(await assistant.observe(msg('weather?'), chat)).toMatchObject({ kind: 'weather' });
  });

  it('never gives a message after a no, nor asks again, on any device', async () => {
    const consent = memoryConsent();
    const weather = remote();
    let asked = 0;
    const ask = async () => {
      asked++;
      return false;
    };
    const assistant = make({ providers: [weather.provider], consent, ask });
    for (const text of ['weather', 'weather', 'weather']) {
      expect(await assistant.observe(msg(text), chat)).toBeNull();
    }
    const otherDevice = make({ providers: [weather.provider], consent, ask });
    expect(await otherDevice.observe(msg('weather'), chat)).toBeNull();
    expect(asked).toBe(1);
    expect(weather.seen).toEqual([]);
    expect((await consent.load()).providers).toEqual({ weather: 'off' });
  });

  it('asks only when the provider would be used', async () => {
    const weather = remote();
    let asked = 0;
    const assistant = make({
      providers: [weather.provider],
      ask: async () => {
        asked++;
        return true;
      },
    });
    await assistant.setEnabled(false);
    await assistant.observe(msg('weather'), chat);
    await assistant.setEnabled(true);
    await assistant.never('weather');
    await assistant.observe(msg('weather'), chat);
    expect(asked).toBe(0);
  });

  it('gives nothing to a remote provider without a way to ask, until turned on', async () => {
    const weather = remote();
    const assistant = make({ providers: [weather.provider] });
    expect(await assistant.observe(msg('weather'), chat)).toBeNull();
    expect(weather.seen).toEqual([]);
    await assistant.setProviderEnabled('weather', true);
    expect(await assistant.observe(msg('weather'), chat)).not.toBeNull();
  });

  it('asks again after a question that failed, and keeps nothing from it', async () => {
    const consent = memoryConsent();
    const weather = remote();
    let calls = 0;
    const assistant = make({
      providers: [weather.provider],
      consent,
      onError: () => undefined,
      ask: async () => {
        calls++;
        if (calls === 1) throw new Error('dialog closed');
        return true;
      },
    });
    expect(await assistant.observe(msg('weather'), chat)).toBeNull();
    expect((await consent.load()).providers).toEqual({});
    expect(await assistant.observe(msg('weather'), chat)).not.toBeNull();
    expect(calls).toBe(2);
  });

  it('gives no message when the assistant is turned off while asking', async () => {
    const weather = remote();
    const answer = deferred<boolean>();
    const assistant = make({ providers: [weather.provider], ask: () => answer.promise });
    const pending = assistant.observe(msg('weather'), chat);
    await new Promise((resolve) => setTimeout(resolve, 0));
    await assistant.setEnabled(false);
    answer.resolve(true);
    expect(await pending).toBeNull();
    expect(weather.seen).toEqual([]);
  });
});
