import { newId } from '../ids.js';
import type { Sql } from '../store/store.js';

/** Anti-fraud thresholds; every one can be changed in the server options. */
export interface RiskOptions {
  /** Transfers sent within `velocityWindowMs` that put the next one in review, and block it. */
  velocityReview: number;
  velocityBlock: number;
  velocityWindowMs: number;
  /** A first transfer to someone at or above this many minor units is reviewed. */
  largeToNewRecipient: number;
  /**
   * How long after a small transfer to someone completed they stop being new. Without it, one
   * cent sent first (the fraudster's test payment) would make any recipient known at once.
   */
  knownRecipientAfterMs: number;
}

export const defaultRisk: RiskOptions = {
  velocityReview: 10,
  velocityBlock: 30,
  velocityWindowMs: 10 * 60 * 1000,
  largeToNewRecipient: 25_000,
  knownRecipientAfterMs: 24 * 3600 * 1000,
};

export type RiskOutcome = { outcome: 'allow' } | { outcome: 'review' | 'block'; rule: string };

/** The rules run before money moves (SPEC: Anti-fraud), worst outcome first. */
export async function assessRisk(
  tx: Sql,
  risk: RiskOptions,
  t: { senderId: string; recipientId: string; amount: number; now: number },
): Promise<RiskOutcome> {
  const recent = await tx.get<{ n: number }>(
    'SELECT COUNT(*) AS n FROM transfers WHERE sender_id = ? AND created_at > ?',
    [t.senderId, t.now - risk.velocityWindowMs],
  );
  const count = Number(recent?.n ?? 0);
  if (count >= risk.velocityBlock) return { outcome: 'block', rule: 'velocity' };
  if (count >= risk.velocityReview) return { outcome: 'review', rule: 'velocity' };
  if (t.amount >= risk.largeToNewRecipient) {
    // Known: paid a large amount before (reviewed then, or known by then), or paid at all
    // long enough ago.
    const known = await tx.get<{ id: string }>(
      `SELECT id FROM transfers WHERE sender_id = ? AND recipient_id = ? AND status = 'completed'
         AND (amount >= ? OR completed_at <= ?) LIMIT 1`,
      [t.senderId, t.recipientId, risk.largeToNewRecipient, t.now - risk.knownRecipientAfterMs],
    );
    if (!known) return { outcome: 'review', rule: 'large_to_new_recipient' };
  }
  return { outcome: 'allow' };
}

/** Records a flag for the platform's admin API. */
export async function raiseFlag(
  tx: Sql,
  flag: { userId: string; transferId: string | null; rule: string; outcome: string; now: number },
) {
  const id = newId('fl');
  await tx.run(
    `INSERT INTO risk_flags (id, user_id, transfer_id, rule, outcome, status, created_at)
     VALUES (?, ?, ?, ?, ?, 'open', ?)`,
    [id, flag.userId, flag.transferId, flag.rule, flag.outcome, flag.now],
  );
  return id;
}
