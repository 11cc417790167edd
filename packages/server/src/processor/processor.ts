import type { Availability, CardBrand } from '../cards/sandbox-cards.js';

export interface CardDetails {
  pan: string;
  expMonth: number;
  expYear: number;
}

/** What the card network says about a card when it is enrolled. */
export type CardCheck =
  | {
      ok: true;
      brand: CardBrand;
      funding: 'debit' | 'credit';
      /** Issuing country, or null when the network does not say. */
      country: string | null;
      /** When received funds become available on this card. */
      availability: Availability;
    }
  | { ok: false; code: 'card_declined' | 'expired_card' | 'card_unsupported' };

/** Why the network refused to move money. */
export type DeclineCode = 'card_declined' | 'insufficient_funds' | 'expired_card';

/** One money movement on the card network, named by a key the network deduplicates on. */
export interface CardOperation {
  /** Same key, same operation: a retry after a crash never moves money twice. */
  idempotencyKey: string;
  card: CardDetails;
  amount: number;
  currency: string;
}

export type OperationResult =
  | { ok: true; reference: string; availability: Availability }
  | { ok: false; code: DeclineCode };

/**
 * Card networks plug in here; the sandbox is the default. Calls happen outside database
 * transactions and may be repeated with the same key after a crash, so implementations must
 * answer a repeated key with the first outcome.
 */
export interface Processor {
  checkCard(card: CardDetails): Promise<CardCheck>;
  /** Pulls money from the sender's debit card. */
  charge(operation: CardOperation): Promise<OperationResult>;
  /** Pushes money to the recipient's debit card. */
  payout(operation: CardOperation): Promise<OperationResult>;
  /** Gives a charge back to the card it came from. */
  refund(operation: CardOperation & { chargeReference: string }): Promise<OperationResult>;
}
