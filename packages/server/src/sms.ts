import type { Store } from './store/store.js';

/** Sends text messages to E.164 phone numbers. Real gateways implement this. */
export interface SmsSender {
  send(phone: string, body: string): Promise<void>;
}

export interface DevSms {
  id: string;
  phone: string;
  body: string;
  createdAt: number;
}

/**
 * The dev outbox: messages are kept in the store, where `settle sms` and `GET /dev/sms`
 * read them, instead of leaving the machine.
 */
export function devOutbox(store: Store, now: () => number = Date.now): SmsSender {
  return {
    async send(phone, body) {
      await store.run(
        'INSERT INTO dev_sms_outbox (id, phone, body, created_at) VALUES (?, ?, ?, ?)',
        [crypto.randomUUID(), phone, body, now()],
      );
    },
  };
}

/** The newest messages of the dev outbox first, all or those sent to `phone`. */
export async function readDevOutbox(
  store: Store,
  { limit = 20, phone }: { limit?: number; phone?: string } = {},
): Promise<DevSms[]> {
  const rows = await store.all<{ id: string; phone: string; body: string; created_at: number }>(
    `SELECT id, phone, body, created_at FROM dev_sms_outbox ${phone ? 'WHERE phone = ?' : ''}
     ORDER BY created_at DESC, id LIMIT ?`,
    phone ? [phone, limit] : [limit],
  );
  return rows.map((r) => ({ id: r.id, phone: r.phone, body: r.body, createdAt: r.created_at }));
}
