import type { Sql } from '../store/store.js';

/**
 * The new-device rule (SPEC: Anti-fraud): once a user has confirmed a payment with their PIN
 * on some device, a call from any other device (or one that does not say) gets no SCA
 * exemption: its first payment needs the PIN, which makes the device known.
 */
export async function isNewDevice(sql: Sql, userId: string, deviceId: string | undefined) {
  const known = await sql.get<{ device_id: string }>(
    // This device if known, else any other one.
    `SELECT device_id FROM known_devices WHERE user_id = ?
     ORDER BY CASE WHEN device_id = ? THEN 0 ELSE 1 END LIMIT 1`,
    [userId, deviceId ?? ''],
  );
  // No known device at all: the rule has nothing to compare with yet.
  if (!known) return false;
  return known.device_id !== deviceId;
}

export const rememberDevice = (sql: Sql, userId: string, deviceId: string, now: number) =>
  sql.run(
    `INSERT INTO known_devices (user_id, device_id, created_at) VALUES (?, ?, ?)
     ON CONFLICT (user_id, device_id) DO NOTHING`,
    [userId, deviceId, now],
  );
