import { describe, expect, expectTypeOf, it } from 'vitest';
import type { MoneyRequest, SettleEvent, Transfer } from '../types.js';
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

describe('money suggestions settled by a payment', () => {
  const transfer = (over: Partial<Transfer> = {}) =>
    ({
      type: 'transfer.updated',
      data: {
        id: 'tr_1',
        status: 'pending',
        amount: { value: 2000, currency: 'EUR' },
        senderId: 'bob',
        recipientId: 'alice',
        conversationId: 'c1',
        ...over,
      },
    }) as SettleEvent;
  const request = (over: Partial<MoneyRequest> = {}) =>
    ({
      type: 'request.updated',
      data: {
        id: 'rq_1',
        status: 'open',
        amount: { value: 2000, currency: 'EUR' },
        requesterId: 'alice',
        payerId: 'bob',
        conversationId: 'c1',
        ...over,
      },
    }) as SettleEvent;

  /** Bob's "Envoyer 20,00 €" chip for Alice's "tu me dois 20 €", and what withdrew it. */
  async function shownChip() {
    const assistant = bobsAssistant();
    const withdrawn: string[] = [];
    assistant.onWithdraw((suggestion) => withdrawn.push(suggestion.id));
    const chip = await assistant.observe(from('alice', 'tu me dois 20 €'), oneToOne);
    return { assistant, withdrawn, id: chip?.id as string };
  }

  it('withdraws the chip once a transfer for that amount is made between them there', async () => {
    const { assistant, withdrawn, id } = await shownChip();
    // Other amounts, conversations, people, and failed or canceled transfers leave it.
    for (const other of [
      transfer({ amount: { value: 2500, currency: 'EUR' } }),
      transfer({ amount: { value: 2000, currency: 'USD' } }),
      transfer({ conversationId: 'c2' }),
      transfer({ conversationId: null }),
      transfer({ recipientId: 'carol' }),
      transfer({ status: 'failed' }),
      transfer({ status: 'canceled' }),
      { type: 'account.updated', data: {} } as SettleEvent,
    ]) {
      expect(assistant.observeEvent(other)).toEqual([]);
    }
    expect(withdrawn).toEqual([]);
    // Whichever way it goes, waiting for the recipient or done: once.
    expect(assistant.observeEvent(transfer({ status: 'awaiting_recipient' }))).toMatchObject([
      { id },
    ]);
    expect(assistant.observeEvent(transfer({ status: 'completed' }))).toEqual([]);
    expect(withdrawn).toEqual([id]);
  });

  it('withdraws it for a request made for that amount, open or paid, not declined', async () => {
    const { assistant, withdrawn, id } = await shownChip();
    expect(assistant.observeEvent(request({ status: 'declined' }))).toEqual([]);
    expect(assistant.observeEvent(request({ status: 'canceled' }))).toEqual([]);
    expect(assistant.observeEvent(request({ requesterId: 'bob', payerId: 'alice' }))).toHaveLength(
      1,
    );
    expect(withdrawn).toEqual([id]);
  });

  it('leaves a chip without an amount', async () => {
    const assistant = bobsAssistant();
    const chip = await assistant.observe(from('alice', 'you owe me money'), oneToOne);
    expect(chip?.title).toBe('Envoyer de l’argent');
    expect(assistant.observeEvent(transfer())).toEqual([]);
  });
});
