import { conflict } from '../http/errors.js';
import type { Sql } from '../store/store.js';

export type RequestStatus = 'open' | 'paid' | 'declined' | 'canceled';

export interface RequestRow {
  id: string;
  group_id: string;
  requester_id: string;
  payer_id: string;
  amount: number;
  currency: string;
  note: string | null;
  conversation_id: string | null;
  status: RequestStatus;
  transfer_id: string | null;
  created_at: number;
  updated_at: number;
}

export const getRequest = (sql: Sql, id: string) =>
  sql.get<RequestRow>('SELECT * FROM payment_requests WHERE id = ?', [id]);

/** 409 for a request that can no longer be paid, declined or canceled, saying why. */
export const notOpen = (r: Pick<RequestRow, 'status' | 'transfer_id'>) =>
  conflict(
    'request_not_open',
    r.status === 'paid'
      ? 'This request is already paid.'
      : r.status === 'open'
        ? 'This request is being paid.'
        : `This request is ${r.status}.`,
  );

/** A request as its requester and its payer see it. */
export const requestView = (r: RequestRow) => ({
  id: r.id,
  groupId: r.group_id,
  status: r.status,
  requesterId: r.requester_id,
  payerId: r.payer_id,
  amount: { value: Number(r.amount), currency: r.currency },
  note: r.note,
  conversationId: r.conversation_id,
  transferId: r.transfer_id,
  createdAt: new Date(Number(r.created_at)).toISOString(),
  updatedAt: new Date(Number(r.updated_at)).toISOString(),
});

/**
 * Splits `total` evenly between `people` in minor units: the first ones carry the
 * remainder cent by cent, so the shares always add up to the total.
 */
export function splitEvenly(total: number, people: number): number[] {
  const base = Math.floor(total / people);
  return Array.from({ length: people }, (_, i) => base + (i < total % people ? 1 : 0));
}
