import { rateLimited } from '../http/errors.js';
import { newId } from '../ids.js';
import type { Services } from '../services.js';

/**
 * How often the card network may be asked about a user's cards in a rolling day. Each
 * answer tells whether a number is live, so without a limit an account could test stolen
 * cards one after another ("card testing"). A real user needs one or two tries.
 */
export const CARD_CHECKS = { perDay: 10, refusedPerDay: 5 };

const DAY_MS = 24 * 3600 * 1000;

/**
 * Reserves one check for `userId` before the network is called, or refuses with 429 and
 * when to try again. Under the user's lock, and counted as refused until `settleCardCheck`
 * says otherwise, so simultaneous attempts cannot together pass the limit, and a crash
 * between the two leaves the attempt counted.
 */
export async function reserveCardCheck(services: Services, userId: string, now: number) {
  return services.store.transaction(async (tx) => {
    await tx.lock(`card-checks:${userId}`);
    const rows = await tx.all<{ outcome: string; created_at: number }>(
      `SELECT outcome, created_at FROM card_checks
       WHERE user_id = ? AND created_at > ? AND outcome <> 'unavailable' ORDER BY created_at`,
      [userId, now - DAY_MS],
    );
    const refused = rows.filter((r) => r.outcome !== 'approved');
    const over =
      refused.length >= CARD_CHECKS.refusedPerDay
        ? refused[refused.length - CARD_CHECKS.refusedPerDay]
        : rows.length >= CARD_CHECKS.perDay
          ? rows[rows.length - CARD_CHECKS.perDay]
          : undefined;
    if (over) {
      throw rateLimited(
        'too_many_card_attempts',
        'Too many cards tried today: try again tomorrow or contact support.',
        (Number(over.created_at) + DAY_MS - now) / 1000,
      );
    }
    const id = newId('cc');
    await tx.run(
      "INSERT INTO card_checks (id, user_id, outcome, created_at) VALUES (?, ?, 'pending', ?)",
      [id, userId, now],
    );
    return id;
  });
}

/**
 * Records how the check ended: `approved`, the reason the card was refused, or
 * `unavailable` when the network did not answer (not counted).
 */
export const settleCardCheck = (services: Services, id: string, outcome: string) =>
  services.store.run('UPDATE card_checks SET outcome = ? WHERE id = ?', [outcome, id]);
