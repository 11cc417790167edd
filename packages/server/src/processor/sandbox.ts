import { setTimeout as sleep } from 'node:timers/promises';
import { findSandboxCard } from '../cards/sandbox-cards.js';
import type { Store } from '../store/store.js';
import type { CardOperation, OperationResult, Processor } from './processor.js';

export interface SandboxOptions {
  /** Where the sandbox network keeps its record of operations (the server's store). */
  store: Store;
  /** Added to every money movement, to show that slow networks do not serialize the server. */
  latencyMs?: number;
  now?: () => number;
}

/**
 * The sandbox processor: decides by test card number (SPEC: Sandbox processor), so every
 * outcome can be tried without a real card. Like a real network it deduplicates on the
 * operation's key, recorded in its own table, so it can count what it was asked to do.
 */
export function sandboxProcessor({
  store,
  latencyMs = 0,
  now = Date.now,
}: SandboxOptions): Processor {
  async function operate(kind: string, op: CardOperation): Promise<OperationResult> {
    if (latencyMs > 0) await sleep(latencyMs);
    const card = findSandboxCard(op.card.pan);
    const outcome =
      kind === 'refund' || !card
        ? 'approved'
        : card.outcome === 'approved'
          ? 'approved'
          : card.outcome;
    // The first call with this key decides; a repeat gets the recorded outcome back (the
    // no-op update makes RETURNING give the existing row).
    const first = await store.get<{ outcome: string }>(
      `INSERT INTO sandbox_operations (key, kind, card_last4, amount, currency, outcome, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET key = excluded.key
       RETURNING outcome`,
      [op.idempotencyKey, kind, op.card.pan.slice(-4), op.amount, op.currency, outcome, now()],
    );
    if (first?.outcome !== 'approved') {
      return { ok: false, code: (first?.outcome ?? 'card_declined') as 'card_declined' };
    }
    return {
      ok: true,
      reference: `sbx_${op.idempotencyKey}`,
      availability: card?.availability ?? { kind: 'business_days', days: 3 },
    };
  }

  return {
    async checkCard({ pan }) {
      const card = findSandboxCard(pan);
      if (!card) return { ok: false, code: 'card_unsupported' };
      if (card.outcome === 'expired_card') return { ok: false, code: 'expired_card' };
      return {
        ok: true,
        brand: card.brand,
        funding: card.funding,
        country: card.country,
        availability: card.availability,
      };
    },
    charge: (op) => operate('charge', op),
    payout: (op) => operate('payout', op),
    refund: (op) => operate('refund', op),
  };
}
