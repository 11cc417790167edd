import { formatMoney, type Money } from '../money.js';
import { detectMoneyIntent } from './money-intent.js';
import type { AssistantProvider, Suggestion, SuggestionInput } from './provider.js';

/** What a money suggestion carries, so the UI can open the send or request flow prefilled. */
export interface MoneySuggestionData {
  /** From the side of the user who sees it: `send` opens the send flow, `request` the request one. */
  action: 'send' | 'request';
  /** When the message names one. */
  amount?: Money;
  /** The other person's user id; left out in a group when the user wrote the message. */
  counterpart?: string;
}

/** Always with its data: what to open, and for how much. */
export type MoneySuggestion = Suggestion<MoneySuggestionData> & {
  kind: 'money';
  data: MoneySuggestionData;
};

/** Narrows a suggestion to a money one. */
export const isMoneySuggestion = (suggestion: Suggestion): suggestion is MoneySuggestion =>
  suggestion.kind === 'money';

/** Statuses of a transfer or request that was made: not failed, canceled or declined. */
const MADE = new Set(['pending', 'awaiting_recipient', 'completed', 'open', 'paid']);

const titles = {
  en: { send: ['Send', 'Send money'], request: ['Request', 'Request money'] },
  fr: { send: ['Envoyer', 'Envoyer de l’argent'], request: ['Demander', 'Demander de l’argent'] },
} as const;

function title(data: MoneySuggestionData, locale: string) {
  const [verb, noAmount] = titles[locale.toLowerCase().startsWith('fr') ? 'fr' : 'en'][data.action];
  return data.amount ? `${verb} ${formatMoney(data.amount, locale)}` : noAmount;
}

/**
 * The built-in money provider: when a message is about a debt between the user and the
 * other person, it suggests sending or requesting the amount. On the device, English and
 * French, with {@link detectMoneyIntent}.
 *
 * In a group, a message from someone else is skipped: its "you" may be anyone.
 *
 * A suggestion with an amount is settled, and withdrawn, by a transfer or a request made for
 * that amount in its conversation between the user and the counterpart (anyone, when it has
 * none), whichever way it goes; one that failed, was canceled or declined does not count.
 *
 * @example
 * createAssistant({ userId: 'bob', consent, providers: [moneyProvider({ currency: 'EUR' })] });
 * // Alice writes "tu me dois 20 €" to Bob: Bob sees "Envoyer 20,00 €", with
 * // data { action: 'send', amount: { value: 2000, currency: 'EUR' }, counterpart: 'alice' }.
 */
export function moneyProvider({ currency }: { currency: string }): AssistantProvider {
  return {
    id: 'money',
    kinds: ['money'],
    analyze(message, { conversation, userId, locale }): SuggestionInput<MoneySuggestionData>[] {
      const others = conversation.participants.filter((id) => id !== userId);
      const own = message.authorId === userId;
      if (!own && others.length > 1) return [];
      const intent = detectMoneyIntent(message.text, { locale, currency });
      if (!intent) return [];
      // The intent is the author's; the suggestion is for the user of this device.
      const action = own ? intent.action : intent.action === 'send' ? 'request' : 'send';
      const counterpart = own ? (others.length === 1 ? others[0] : undefined) : message.authorId;
      const data: MoneySuggestionData = { action };
      if (intent.amount) data.amount = intent.amount;
      if (counterpart) data.counterpart = counterpart;
      const amountKey = intent.amount ? `${intent.amount.value} ${intent.amount.currency}` : '';
      return [
        {
          kind: 'money',
          title: title(data, locale),
          key: `${action} ${amountKey} ${counterpart ?? ''}`,
          data,
        },
      ];
    },
    settles(suggestion, event) {
      if (!isMoneySuggestion(suggestion) || event.type === 'account.updated') return false;
      const { amount, counterpart } = suggestion.data;
      const payment = event.data;
      const parties =
        event.type === 'transfer.updated'
          ? [event.data.senderId, event.data.recipientId]
          : [event.data.requesterId, event.data.payerId];
      return (
        amount !== undefined &&
        MADE.has(payment.status) &&
        payment.conversationId === suggestion.conversationId &&
        payment.amount.value === amount.value &&
        payment.amount.currency === amount.currency &&
        (counterpart === undefined || parties.includes(counterpart))
      );
    },
  };
}
