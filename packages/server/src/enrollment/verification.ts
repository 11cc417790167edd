import { type Country, countries } from '../countries.js';
import { generateOtp, hashOtp, safeEqual } from '../crypto/secrets.js';
import type { Services } from '../services.js';
import type { Sql } from '../store/store.js';

export const CODE_TTL_MS = 10 * 60_000;
export const MAX_ATTEMPTS = 5;
export const RESEND_AFTER_MS = 30_000;
export const MAX_SENDS_PER_HOUR = 5;
const HOUR_MS = 3_600_000;

export type SendResult =
  | { sent: true; expiresAt: number; resendAvailableAt: number }
  | { sent: false; retryAfterMs: number; reason: 'resend_too_soon' | 'too_many_codes' };

/**
 * Issues a new SMS code for the user's phone, replacing any earlier one. Limits are per
 * phone (30 s between sends, 5 per rolling hour) and hold across processes: the phone is
 * locked in the store while they are checked.
 */
/** The SMS, in the language of the profile's country. */
const smsText = {
  en: (code: string) => `Settle: your code is ${code}. It expires in 10 minutes.`,
  fr: (code: string) => `Settle : votre code est ${code}. Il expire dans 10 minutes.`,
};

export async function sendCode(
  services: Services,
  userId: string,
  phone: string,
  country: Country,
): Promise<SendResult> {
  const { store, now, hashSecret } = services;
  const code = generateOtp();
  const result = await store.transaction(async (tx): Promise<SendResult> => {
    await tx.lock(`phone:${phone}`);
    const t = now();
    const recent = await tx.all<{ created_at: number }>(
      'SELECT created_at FROM verifications WHERE phone = ? AND created_at > ? ORDER BY created_at',
      [phone, t - HOUR_MS],
    );
    const last = recent.at(-1);
    if (last && t - last.created_at < RESEND_AFTER_MS) {
      return {
        sent: false,
        reason: 'resend_too_soon',
        retryAfterMs: last.created_at + RESEND_AFTER_MS - t,
      };
    }
    const first = recent[0];
    if (first && recent.length >= MAX_SENDS_PER_HOUR) {
      return {
        sent: false,
        reason: 'too_many_codes',
        retryAfterMs: first.created_at + HOUR_MS - t,
      };
    }
    // Only the newest code counts: earlier ones die.
    await tx.run(
      'UPDATE verifications SET consumed_at = ? WHERE user_id = ? AND consumed_at IS NULL',
      [t, userId],
    );
    const id = `ver_${crypto.randomUUID()}`;
    await tx.run(
      `INSERT INTO verifications (id, user_id, phone, code_hash, attempts, created_at, expires_at)
       VALUES (?, ?, ?, ?, 0, ?, ?)`,
      [id, userId, phone, hashOtp(code, hashSecret, id), t, t + CODE_TTL_MS],
    );
    return { sent: true, expiresAt: t + CODE_TTL_MS, resendAvailableAt: t + RESEND_AFTER_MS };
  });
  if (result.sent) {
    await services.sms.send(phone, smsText[countries[country].language](code));
  }
  return result;
}

export type CheckResult = 'ok' | 'wrong' | 'expired';

/**
 * Checks a code inside the caller's transaction. An attempt is counted before the
 * comparison, so no amount of concurrency gets more than 5 tries at one code. The caller
 * must commit even when the answer is `wrong`, or the attempt would not count.
 */
export async function checkCode(
  tx: Sql,
  services: Services,
  userId: string,
  phone: string,
  code: string,
): Promise<CheckResult> {
  const t = services.now();
  const row = await tx.get<{ id: string; code_hash: string; attempts: number }>(
    `UPDATE verifications SET attempts = attempts + 1
     WHERE id = (SELECT id FROM verifications WHERE user_id = ? AND phone = ? AND consumed_at IS NULL
                 ORDER BY created_at DESC LIMIT 1)
       AND attempts < ? AND expires_at > ?
     RETURNING id, code_hash, attempts`,
    [userId, phone, MAX_ATTEMPTS, t],
  );
  if (!row) return 'expired';
  if (!safeEqual(hashOtp(code, services.hashSecret, row.id), row.code_hash)) return 'wrong';
  await tx.run('UPDATE verifications SET consumed_at = ? WHERE id = ?', [t, row.id]);
  return 'ok';
}
