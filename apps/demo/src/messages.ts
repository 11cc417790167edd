// Shapes shared by the demo's server and its page (no Node or DOM here).

/** What a payment message points at: the Settle object its bubble shows. */
export type PaymentRef = { transferId: string } | { requestId: string } | { groupId: string };

export interface Message {
  id: string;
  conversationId: string;
  authorId: string;
  /** A text message... */
  text?: string;
  /** ...or a payment or request made in the conversation. */
  payment?: PaymentRef;
  /**
   * Who a payment is between. Settle shows a payment only to its parties, so the others in a
   * group see that it happened, not what it was.
   */
  parties?: string[];
  createdAt: string;
}

export type NewMessage = Pick<Message, 'authorId' | 'text' | 'payment' | 'parties'>;

/** A text message from the Settle server's dev outbox (`GET /dev/sms`). */
export interface Sms {
  id: string;
  phone: string;
  body: string;
  createdAt: number;
}
