import type { Sql } from '../store/store.js';

export type TransferStatus = 'pending' | 'awaiting_recipient' | 'completed' | 'failed' | 'canceled';

/**
 * Where a transfer is in its recoverable steps. Each step ends with one transaction, and a
 * crash anywhere leaves the transfer in a step that can be run again.
 * - `charge`: the sender's card is to be charged (ledger: funding -> clearing reserved)
 * - `payout`: the charge is booked; the recipient's card is to be paid (clearing -> payout)
 * - `refund`: the charge is to be given back (clearing -> funding)
 * - `review`: held for the platform's anti-fraud review, before any money moves
 * - `await`: charged, waiting up to 7 days for the recipient to enroll
 * - `done`: final
 */
export type TransferStep = 'charge' | 'payout' | 'refund' | 'review' | 'await' | 'done';

export interface TransferRow {
  id: string;
  sender_id: string;
  recipient_id: string;
  amount: number;
  currency: string;
  note: string | null;
  conversation_id: string | null;
  request_id: string | null;
  status: TransferStatus;
  step: TransferStep;
  failure_reason: string | null;
  review: number;
  sca: 'pin' | 'exempt';
  sender_card_id: string;
  charge_ref: string | null;
  payout_ref: string | null;
  refund_ref: string | null;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
  available_at: number | null;
  expires_at: number | null;
  /** When a transfer held for review was approved (its money moved from then on). */
  approved_at: number | null;
}

/**
 * Serializes the transactions that move one transfer on (a no-op on SQLite's one writer).
 * Taken before any user's `lockPayer`, never after (a step's payout, a flag's approval): with
 * one order, PostgreSQL cannot deadlock on them.
 */
export const lockTransfer = (tx: Sql, id: string) => tx.lock(`transfer:${id}`);

export const getTransfer = (sql: Sql, id: string) =>
  sql.get<TransferRow>('SELECT * FROM transfers WHERE id = ?', [id]);

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** The transfer as both of its parties see it. */
export function transferView(t: TransferRow) {
  return {
    id: t.id,
    status: t.status,
    amount: { value: Number(t.amount), currency: t.currency },
    note: t.note,
    senderId: t.sender_id,
    recipientId: t.recipient_id,
    conversationId: t.conversation_id,
    requestId: t.request_id,
    failureReason: t.failure_reason,
    review: Number(t.review) === 1 && t.step === 'review',
    createdAt: iso(t.created_at) as string,
    updatedAt: iso(t.updated_at) as string,
    completedAt: iso(t.completed_at),
    availableAt: iso(t.available_at),
    expiresAt: iso(t.expires_at),
  };
}

export type TransferView = ReturnType<typeof transferView>;
