import type { Availability } from '../cards/sandbox-cards.js';
import type { Country } from '../countries.js';
import { VaultKeyMissing } from '../crypto/vault.js';
import { ledgerAccount, reserve, resolve } from '../ledger/ledger.js';
import type { CardDetails, OperationResult } from '../processor/processor.js';
import type { Services } from '../services.js';
import type { Sql } from '../store/store.js';
import { availableAt } from './availability.js';
import { transferChanged } from './changes.js';
import { lockPayer } from './idempotency.js';
import { getTransfer, lockTransfer, type TransferRow, type TransferStep } from './transfer-row.js';

/** How long a transfer waits for its recipient to enroll before it is refunded. */
export const AWAIT_RECIPIENT_MS = 7 * 24 * 3600 * 1000;

export const movementId = (transferId: string, kind: 'charge' | 'payout' | 'refund') =>
  `${transferId}:${kind}`;

type SealedCard = {
  card_id: string | null;
  pan_sealed: string | null;
  exp_month: number;
  exp_year: number;
};

async function unseal(services: Services, row: SealedCard | undefined) {
  if (!row?.card_id || !row.pan_sealed) return undefined;
  const pan = await services.vault.open(row.pan_sealed, row.card_id);
  return { pan, expMonth: Number(row.exp_month), expYear: Number(row.exp_year) };
}

const cardOf = async (services: Services, cardId: string): Promise<CardDetails | undefined> =>
  unseal(
    services,
    await services.store.get<SealedCard>(
      'SELECT id AS card_id, pan_sealed, exp_month, exp_year FROM cards WHERE id = ?',
      [cardId],
    ),
  );

/** The recipient's card and country, in one read: a payout needs both. */
async function payoutTarget(services: Services, recipientId: string) {
  const row = await services.store.get<SealedCard & { country: Country | null }>(
    `SELECT c.id AS card_id, c.pan_sealed, c.exp_month, c.exp_year, a.country
     FROM accounts a LEFT JOIN cards c ON c.id = a.card_id WHERE a.user_id = ?`,
    [recipientId],
  );
  return { card: await unseal(services, row), country: row?.country ?? null };
}

/**
 * Whether the recipient can be paid now, never (they enrolled in another country: transfers
 * stay domestic), or not yet: not enrolled, locked, or frozen (no money goes to an account
 * frozen for fraud). Takes the recipient's lock for the rest of the transaction, as a freeze
 * does: a freeze in progress finishes first and is seen (PostgreSQL would read the account as
 * it was before the freeze otherwise), and one that starts later waits for this payout.
 */
export async function recipientState(
  tx: Sql,
  t: TransferRow,
): Promise<'payable' | 'foreign' | 'waiting'> {
  await lockPayer(tx, t.recipient_id);
  const row = await tx.get<{ ready: number; domestic: number }>(
    `SELECT CASE WHEN r.status = 'active' AND r.card_id IS NOT NULL AND r.country IS NOT NULL
       THEN 1 ELSE 0 END AS ready,
       CASE WHEN r.country = s.country THEN 1 ELSE 0 END AS domestic
     FROM accounts r JOIN accounts s ON s.user_id = ? WHERE r.user_id = ?`,
    [t.sender_id, t.recipient_id],
  );
  if (!row || Number(row.ready) !== 1) return 'waiting';
  return Number(row.domestic) === 1 ? 'payable' : 'foreign';
}

/**
 * Moves a step forward in one transaction, only if the transfer is still in `from`: two
 * runners (the request and the recovery job) can never both apply the same step. `apply`
 * answers undefined to leave the transfer where it is; so does this, as when another runner
 * took the step.
 */
export async function commitStep(
  services: Services,
  id: string,
  from: TransferStep,
  apply: (tx: Sql, t: TransferRow, now: number) => Promise<Partial<TransferRow> | undefined>,
): Promise<TransferRow | undefined> {
  return services.store.transaction(async (tx) => {
    // Held to the end of the transaction: a runner that waited here reads the step the other
    // committed, and leaves (PostgreSQL's READ COMMITTED would let both apply it otherwise).
    await lockTransfer(tx, id);
    const t = await getTransfer(tx, id);
    if (t?.step !== from) return undefined;
    const now = services.now();
    const applied = await apply(tx, t, now);
    if (!applied) return undefined;
    const changes = {
      ...applied,
      updated_at: now,
      attempts: 0,
      next_attempt_at: 0,
    };
    const columns = Object.keys(changes);
    const updated = await tx.run(
      `UPDATE transfers SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE id = ? AND step = ?`,
      [...(Object.values(changes) as (string | number | null)[]), id, from],
    );
    // Cannot happen under the lock; if it did, nothing of this step may commit.
    if (updated.changes !== 1) throw new Error(`Transfer ${id} left step ${from} meanwhile.`);
    const next = { ...t, ...changes } as TransferRow;
    await transferChanged(tx, services, next, t);
    return next;
  });
}

/** Reserves the payout: clearing -> the recipient's card, pending until paid out. */
export const reservePayout = (tx: Sql, t: TransferRow, now: number) =>
  reserve(
    tx,
    {
      id: movementId(t.id, 'payout'),
      transferId: t.id,
      debit: ledgerAccount.clearing(t.currency),
      credit: ledgerAccount.payout(t.recipient_id, t.currency),
      amount: Number(t.amount),
      currency: t.currency,
    },
    now,
  );

/** After a charge: pay the recipient now, give the money back, or hold it for them. */
async function afterCharge(tx: Sql, t: TransferRow, now: number): Promise<Partial<TransferRow>> {
  const recipient = await recipientState(tx, t);
  if (recipient === 'payable') {
    await reservePayout(tx, t, now);
    return { step: 'payout', status: 'pending' };
  }
  if (recipient === 'foreign') return startRefund(tx, t, now, 'recipient_not_domestic');
  return {
    step: 'await' as const,
    status: 'awaiting_recipient' as const,
    expires_at: now + AWAIT_RECIPIENT_MS,
  };
}

/** Why a charged transfer gives the money back: `null` when its sender canceled it. */
export type RefundReason = null | 'expired' | 'payout_failed' | 'recipient_not_domestic';

/** A refund after a cancel or an expiry ends `canceled`; after a failure, `failed`. */
const refundedStatus = (reason: string | null) =>
  reason === 'payout_failed' || reason === 'recipient_not_domestic' ? 'failed' : 'canceled';

/**
 * Starts giving the charge back: the money leaves clearing for the sender's card. The
 * transfer shows its final status at once: the decision is made, and the refund that
 * follows is retried until the card network takes it.
 */
export async function startRefund(
  tx: Sql,
  t: TransferRow,
  now: number,
  reason: RefundReason,
): Promise<Partial<TransferRow>> {
  await reserve(
    tx,
    {
      id: movementId(t.id, 'refund'),
      transferId: t.id,
      debit: ledgerAccount.clearing(t.currency),
      credit: ledgerAccount.funding(t.sender_id, t.currency),
      amount: Number(t.amount),
      currency: t.currency,
    },
    now,
  );
  return { step: 'refund', status: refundedStatus(reason), failure_reason: reason };
}

async function call(
  services: Services,
  t: TransferRow,
  kind: 'charge' | 'payout' | 'refund',
  card: CardDetails | undefined,
): Promise<OperationResult> {
  if (!card) return { ok: false, code: 'card_declined' };
  const op = {
    idempotencyKey: movementId(t.id, kind),
    card,
    amount: Number(t.amount),
    currency: t.currency,
  };
  if (kind === 'charge') return services.processor.charge(op);
  if (kind === 'payout') return services.processor.payout(op);
  return services.processor.refund({ ...op, chargeReference: t.charge_ref ?? '' });
}

/** The steps that call the card network; the others wait on someone. */
const RUNNABLE = new Set<TransferStep>(['charge', 'payout', 'refund']);

/** One step of the transfer: its row after the step, or undefined if another runner took it. */
async function step(services: Services, t: TransferRow): Promise<TransferRow | undefined> {
  const id = t.id;
  const fault = services.faults;
  switch (t.step) {
    case 'charge': {
      await fault?.('before-charge');
      const result = await call(services, t, 'charge', await cardOf(services, t.sender_card_id));
      await fault?.('after-charge');
      return commitStep(services, id, 'charge', async (tx, row, now) => {
        if (!result.ok) {
          await resolve(tx, movementId(id, 'charge'), 'voided', now);
          return { step: 'done', status: 'failed', failure_reason: result.code };
        }
        await resolve(tx, movementId(id, 'charge'), 'posted', now);
        return { charge_ref: result.reference, ...(await afterCharge(tx, row, now)) };
      });
    }
    case 'payout': {
      await fault?.('before-payout');
      const recipient = await payoutTarget(services, t.recipient_id);
      const result = await call(services, t, 'payout', recipient.card);
      await fault?.('after-payout');
      return commitStep(services, id, 'payout', async (tx, row, now) => {
        if (!result.ok) {
          await resolve(tx, movementId(id, 'payout'), 'voided', now);
          return startRefund(tx, row, now, 'payout_failed');
        }
        await resolve(tx, movementId(id, 'payout'), 'posted', now);
        return {
          step: 'done',
          status: 'completed',
          payout_ref: result.reference,
          completed_at: now,
          available_at: availableAt(now, result.availability as Availability, recipient.country),
        };
      });
    }
    case 'refund': {
      await fault?.('before-refund');
      const result = await call(services, t, 'refund', await cardOf(services, t.sender_card_id));
      await fault?.('after-refund');
      if (!result.ok) throw new Error(`refund refused: ${result.code}`);
      return commitStep(services, id, 'refund', async (tx, row, now) => {
        await resolve(tx, movementId(id, 'refund'), 'posted', now);
        // Rows whose refund started before statuses were set at once get theirs here.
        return {
          step: 'done',
          status: refundedStatus(row.failure_reason),
          refund_ref: result.reference,
        };
      });
    }
    default:
      return undefined;
  }
}

/**
 * Runs the transfer's steps until it is final or waits on someone, and returns it as it is
 * then. A processor error leaves the step to the recovery job, which retries with backoff.
 * Given the row just written (rather than an id), it skips reading it again.
 */
export async function advanceTransfer(
  services: Services,
  start: TransferRow | string,
): Promise<TransferRow | undefined> {
  let t = typeof start === 'string' ? await getTransfer(services.store, start) : start;
  // Each pass applies a step or finds another runner applied it: the bound is never reached
  // by a transfer that moves (at most charge, payout, refund, each lost once).
  for (let i = 0; t && RUNNABLE.has(t.step) && i < 8; i++) {
    const current: TransferRow = t;
    try {
      // Another runner (the first request while this one replays it, or the recovery job)
      // applied this step first: follow the transfer on from its outcome, so that every
      // answer for one idempotency key shows the same final state. Its network calls repeat
      // the other runner's keys, which the network answers with the first outcome.
      t = (await step(services, current)) ?? (await getTransfer(services.store, current.id));
    } catch (error) {
      await scheduleRetry(services, current);
      services.log({
        event: 'transfer.step_failed',
        transferId: current.id,
        error: (error as Error).name,
        // A card sealed under a vault key taken out of SETTLE_VAULT_KEYS: which to put back.
        ...(error instanceof VaultKeyMissing ? { vaultKeyId: error.keyId } : {}),
      });
      return getTransfer(services.store, current.id);
    }
  }
  return t;
}

/** Backs off a step that failed: 1 s, 2 s, 4 s ... up to 5 min. */
async function scheduleRetry(services: Services, t: TransferRow) {
  const delay = Math.min(300_000, 1000 * 2 ** Math.min(Number(t.attempts), 9));
  await services.store.run(
    'UPDATE transfers SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ? AND step = ?',
    [services.now() + delay, t.id, t.step],
  );
}
