import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  createAssistant,
  isMoneySuggestion,
  type MoneySuggestionData,
  memoryConsent,
  moneyProvider,
} from './index.js';

const oneToOne = { id: 'c1', participants: ['alice', 'bob'], locale: 'fr-FR' };
const group = { id: 'g1', participants: ['alice', 'bob', 'carol'], locale: 'en-US' };

/** Bob's device. */
const bobsAssistant = (currency = 'EUR') =>
  createAssistant({
    userId: 'bob',
    providers: [moneyProvider({ currency })],
    consent: memoryConsent(),
    cadence: 1,
  });

let seq = 0;
const from = (authorId: string, text: string) => ({ id: `m${++seq}`, text, authorId });

describe('the money provider', () => {
  it('offers to send what the other person asks for, prefilled', async () => {
    const suggestion = await bobsAssistant().observe(from('alice', 'tu me dois 20 €'), oneToOne);
    expect(suggestion).toMatchObject({
      kind: 'money',
      providerId: 'money',
      title: 'Envoyer 20,00\u00a0€',
      data: { action: 'send', amount: { value: 2000, currency: 'EUR' }, counterpart: 'alice' },
    });
    expect(suggestion && isMoneySuggestion(suggestion)).toBe(true);
    // Narrowed, its data needs no check: `const { action, amount } = suggestion.data`.
    if (suggestion && isMoneySuggestion(suggestion)) {
      expectTypeOf(suggestion.data).toEqualTypeOf<MoneySuggestionData>();
    }
  });

  it('offers to request what the other person owes', async () => {
    const suggestion = await bobsAssistant().observe(
      from('alice', 'je te rembourse les 15 euros demain'),
      oneToOne,
    );
    expect(suggestion?.data).toEqual({
      action: 'request',
      amount: { value: 1500, currency: 'EUR' },
      counterpart: 'alice',
    });
    expect(suggestion?.title).toBe('Demander 15,00\u00a0€');
  });

  it('takes the user’s own messages from their side, towards the other person', async () => {
    const assistant = bobsAssistant('USD');
    const conversation = { ...oneToOne, locale: 'en-US' };
    expect(await assistant.observe(from('bob', 'you owe me $15'), conversation)).toMatchObject({
      title: 'Request $15.00',
      data: { action: 'request', amount: { value: 1500, currency: 'USD' }, counterpart: 'alice' },
    });
    expect(await assistant.observe(from('bob', 'how much do I owe you?'), conversation)).toEqual(
      expect.objectContaining({
        title: 'Send money',
        data: { action: 'send', counterpart: 'alice' },
      }),
    );
  });

  it('in a group, leaves the counterpart to the user and skips others’ messages', async () => {
    const assistant = bobsAssistant('USD');
    expect((await assistant.observe(from('bob', 'I owe you $12'), group))?.data).toEqual({
      action: 'send',
      amount: { value: 1200, currency: 'USD' },
    });
    expect(await assistant.observe(from('alice', 'you owe me $12'), group)).toBeNull();
  });

  it('suggests nothing for numbers that are not debts', async () => {
    const assistant = bobsAssistant();
    for (const text of ['rdv à 20h30', 'il fait 30 degrés', 'tu me dois des explications']) {
      expect(await assistant.observe(from('alice', text), oneToOne)).toBeNull();
    }
  });
});
