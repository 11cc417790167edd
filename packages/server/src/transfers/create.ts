import { type Country, countries } from '../countries.js';
import { type AccountRow, getAccount } from '../enrollment/accounts.js';
import { ApiError, forbidden, invalid, notFound, unprocessable } from '../http/errors.js';
import { newId } from '../ids.js';
import { ledgerAccount, reserve } from '../ledger/ledger.js';
import { getRequest, notOpen, type RequestRow } from '../requests/request-row.js';
import { isNewDevice } from '../risk/devices.js';
import { exceededLimit } from '../risk/limits.js';
import { assessRisk, raiseFlag } from '../risk/rules.js';
import { spendAuthorization } from '../sca/authorization.js';
import type { Services } from '../services.js';
import type { Sql } from '../store/store.js';
import { transferChanged } from './changes.js';
import { lockPayer, rememberKey, replayOf, requestHash } from './idempotency.js';
import { movementId } from './steps.js';
import { getTransfer, type TransferRow } from './transfer-row.js';

export interface TransferInput {
  recipientId: string;
  amount: { value: number; currency: string };
  note?: string | undefined;
  conversationId?: string | undefined;
  requestId?: string | undefined;
  authorization?: string | undefined;
}

/** The SCA exemption for low values (SPEC): per payment, and since the last PIN. */
export const EXEMPTION = { perPayment: 3000, sinceLastPin: 10_000, countSinceLastPin: 5 };
export type ScaExemption = typeof EXEMPTION;

export const authenticationRequired = (newDevice = false) =>
  new ApiError(
    403,
    'authentication_error',
    'authentication_required',
    `${newDevice ? 'First payment from this device: confirm' : 'Confirm'} it with your PIN: create an authorization for this amount and payee.`,
    'authorization',
  );

/** Refuses senders that cannot pay now, saying what to do. */
export function requireActive(account: AccountRow | undefined): asserts account is AccountRow & {
  country: Country;
  card_id: string;
} {
  if (account?.status === 'frozen')
    throw forbidden('account_frozen', 'This account is frozen. Contact support.');
  if (account?.status === 'locked') {
    throw forbidden(
      'account_locked',
      'This account is locked: verify by SMS and choose a new PIN.',
    );
  }
  if (account?.status !== 'active' || !account.country || !account.card_id) {
    throw forbidden('account_inactive', 'Finish enrollment before moving money.');
  }
}

/** Money leaves an account in its country's currency only. */
export function requireAccountCurrency(account: { country: Country }, currency: string) {
  const expected = countries[account.country].currency;
  if (currency !== expected) {
    throw unprocessable(
      'currency_mismatch',
      `Transfers from this account are in ${expected}.`,
      'amount.currency',
    );
  }
}

async function exemptionApplies(
  tx: Sql,
  exemption: ScaExemption,
  sender: AccountRow,
  amount: number,
) {
  if (amount > exemption.perPayment) return false;
  // Secured since the last PIN: what that PIN allowed may be a thief's to spend. The next
  // payment needs the PIN chosen at the unlock.
  if (Number(sender.tokens_valid_after ?? 0) > Number(sender.last_pin_at ?? 0)) return false;
  // Every payment made under the exemption counts, whatever became of it: PSD2 (RTS art. 16)
  // counts payments initiated since the last strong authentication, so declined or canceled
  // attempts do not buy a session without the PIN more tries.
  const since = await tx.get<{ n: number; total: number | null }>(
    `SELECT COUNT(*) AS n, SUM(amount) AS total FROM transfers
     WHERE sender_id = ? AND sca = 'exempt' AND created_at >= ?`,
    [sender.user_id, Number(sender.last_pin_at ?? 0)],
  );
  return (
    Number(since?.n ?? 0) < exemption.countSinceLastPin &&
    Number(since?.total ?? 0) + amount <= exemption.sinceLastPin
  );
}

/** A request this transfer pays must be the caller's to pay, open, and for this amount. */
async function checkRequest(tx: Sql, userId: string, input: TransferInput) {
  const request = await getRequest(tx, input.requestId as string);
  if (!request || request.payer_id !== userId) throw notFound('No such request.');
  if (request.status !== 'open' || request.transfer_id) throw notOpen(request);
  if (
    request.requester_id !== input.recipientId ||
    Number(request.amount) !== input.amount.value ||
    request.currency !== input.amount.currency
  ) {
    throw unprocessable(
      'request_mismatch',
      'Pay a request to its requester, for its exact amount.',
      'requestId',
    );
  }
}

/**
 * Creates a transfer in one transaction under the sender's lock: the idempotency key, SCA,
 * limits and risk rules are checked against a state no concurrent transfer can change, and
 * the charge is reserved in the ledger. No money moves yet: `advanceTransfer` does that.
 */
export async function createTransfer(
  services: Services,
  userId: string,
  key: string,
  input: TransferInput,
  deviceId?: string,
): Promise<{ transfer: TransferRow; replayed: boolean }> {
  const hash = requestHash('POST /v1/transfers', input);
  return services.store.transaction(async (tx) => {
    await lockPayer(tx, userId);
    const earlier = await replayOf(tx, userId, key, hash);
    if (earlier)
      return { transfer: (await getTransfer(tx, earlier)) as TransferRow, replayed: true };

    const now = services.now();
    const sender = await getAccount(tx, userId);
    requireActive(sender);
    const { value: amount, currency } = input.amount;
    if (input.recipientId === userId)
      throw invalid('recipient_invalid', 'You cannot pay yourself.', 'recipientId');
    requireAccountCurrency(sender, currency);
    const recipient = await getAccount(tx, input.recipientId);
    if (recipient?.status === 'frozen') {
      throw unprocessable(
        'recipient_unavailable',
        'This person cannot receive money right now.',
        'recipientId',
      );
    }
    if (recipient?.country && recipient.country !== sender.country) {
      throw unprocessable(
        'recipient_not_domestic',
        'Transfers stay within one country.',
        'recipientId',
      );
    }
    if (input.requestId) await checkRequest(tx, userId, input);

    // Limits first: no point asking for a PIN for a payment that cannot happen.
    const limit = await exceededLimit(tx, sender, amount, now, services.limits);
    if (limit) {
      throw unprocessable('limit_exceeded', `This transfer would exceed ${limit}.`, 'amount.value');
    }
    let sca: 'pin' | 'exempt';
    if (input.authorization) {
      const ok = await spendAuthorization(tx, services, input.authorization, {
        userId,
        payeeId: input.recipientId,
        amount,
        currency,
        pinHash: sender.pin_hash ?? '',
      });
      if (!ok) throw authenticationRequired();
      sca = 'pin';
    } else if (await isNewDevice(tx, userId, deviceId)) {
      throw authenticationRequired(true);
    } else if (await exemptionApplies(tx, services.scaExemption, sender, amount)) {
      sca = 'exempt';
    } else {
      throw authenticationRequired();
    }

    const risk = await assessRisk(tx, services.risk, {
      senderId: userId,
      recipientId: input.recipientId,
      amount,
      now,
    });

    const id = newId('tr');
    const t: TransferRow = {
      id,
      sender_id: userId,
      recipient_id: input.recipientId,
      amount,
      currency,
      note: input.note ?? null,
      conversation_id: input.conversationId ?? null,
      request_id: input.requestId ?? null,
      status: risk.outcome === 'block' ? 'failed' : 'pending',
      step: risk.outcome === 'block' ? 'done' : risk.outcome === 'review' ? 'review' : 'charge',
      failure_reason: risk.outcome === 'block' ? 'risk_blocked' : null,
      review: risk.outcome === 'review' ? 1 : 0,
      sca,
      sender_card_id: sender.card_id,
      charge_ref: null,
      payout_ref: null,
      refund_ref: null,
      attempts: 0,
      next_attempt_at: 0,
      created_at: now,
      updated_at: now,
      completed_at: null,
      available_at: null,
      expires_at: null,
      approved_at: null,
    };
    const columns = Object.keys(t);
    await tx.run(
      `INSERT INTO transfers (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      Object.values(t) as (string | number | null)[],
    );
    if (t.step === 'charge') await reserveCharge(tx, t, now);
    if (risk.outcome !== 'allow') {
      await raiseFlag(tx, { userId, transferId: id, rule: risk.rule, outcome: risk.outcome, now });
    }
    if (t.request_id && t.status === 'pending') {
      // Only if still open and unpaid: a cancel, a decline or another payment may have
      // committed since checkRequest read it (PostgreSQL re-checks this under the row lock).
      const linked = await tx.run(
        `UPDATE payment_requests SET transfer_id = ?, updated_at = ?
         WHERE id = ? AND status = 'open' AND transfer_id IS NULL`,
        [id, now, t.request_id],
      );
      if (linked.changes === 0) throw notOpen((await getRequest(tx, t.request_id)) as RequestRow);
    }
    await rememberKey(tx, userId, key, hash, id, now);
    await transferChanged(tx, services, t);
    return { transfer: t, replayed: false };
  });
}

/** Reserves the sender's money: funding -> clearing, pending until the card is charged. */
export const reserveCharge = (tx: Sql, t: TransferRow, now: number) =>
  reserve(
    tx,
    {
      id: movementId(t.id, 'charge'),
      transferId: t.id,
      debit: ledgerAccount.funding(t.sender_id, t.currency),
      credit: ledgerAccount.clearing(t.currency),
      amount: Number(t.amount),
      currency: t.currency,
    },
    now,
  );
