import { newId } from '../ids.js';
import type { Sql } from '../store/store.js';

/** The store channel telling listeners that a user has new events; the payload is the user id. */
export const EVENTS_CHANNEL = 'settle_events';

export type EventType = 'transfer.updated' | 'request.updated' | 'account.updated';

/** An event as SSE subscribers and webhooks receive it. */
export interface SettleEvent {
  id: string;
  type: string;
  /** ISO 8601. */
  createdAt: string;
  data: unknown;
}

export interface EventRow {
  seq: number;
  id: string;
  type: string;
  data: string;
  created_at: number;
}

export const eventJson = (row: Pick<EventRow, 'id' | 'type' | 'data' | 'created_at'>) =>
  `{"id":${JSON.stringify(row.id)},"type":${JSON.stringify(row.type)},"createdAt":"${new Date(row.created_at).toISOString()}","data":${row.data}}`;

/**
 * Records an event inside the caller's transaction, with the state change it reports: one
 * row per user (each user's `seq` goes up by one, without gaps) and one webhook outbox row.
 * Subscribers are told after the commit; a rollback leaves no trace. The outbox row is
 * written whether or not a webhook URL is configured, so that the outbox is the one source
 * of truth; without a URL, the webhook worker discards rows instead of sending them.
 * `data` must hold no secret: it goes to both users and to the platform.
 *
 * @example
 * await store.transaction(async (tx) => {
 *   await tx.run('UPDATE transfers SET status = ? WHERE id = ?', ['completed', id]);
 *   await recordEvent(tx, { type: 'transfer.updated', userIds: [sender, recipient], data: view }, now());
 * });
 */
export async function recordEvent(
  tx: Sql,
  event: { type: EventType | (string & {}); userIds: string[]; data: unknown },
  now: number,
): Promise<string> {
  const id = newId('ev');
  const data = JSON.stringify(event.data);
  // Sorted, so that transactions for the same users take the sequence rows in the same order.
  const userIds = [...new Set(event.userIds)].sort();
  // One statement for all users' sequences and one for their rows (not two per user).
  const values = userIds.map(() => '(?, 1)').join(', ');
  const seqs = await tx.all<{ user_id: string; last_seq: number }>(
    `INSERT INTO event_sequences (user_id, last_seq) VALUES ${values}
     ON CONFLICT (user_id) DO UPDATE SET last_seq = event_sequences.last_seq + 1
     RETURNING user_id, last_seq`,
    userIds,
  );
  const seqOf = new Map(seqs.map((row) => [row.user_id, Number(row.last_seq)]));
  await tx.run(
    `INSERT INTO events (user_id, seq, id, type, data, created_at) VALUES ${userIds.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
    userIds.flatMap((userId) => [userId, seqOf.get(userId) as number, id, event.type, data, now]),
  );
  for (const userId of userIds) await tx.notify(EVENTS_CHANNEL, userId);
  await tx.run(
    `INSERT INTO webhook_outbox (id, payload, attempts, next_attempt_at, created_at)
     VALUES (?, ?, 0, ?, ?)`,
    [id, eventJson({ id, type: event.type, data, created_at: now }), now, now],
  );
  return id;
}

/** A user's events after `seq`, oldest first. */
export const eventsAfter = (sql: Sql, userId: string, seq: number, limit: number) =>
  sql.all<EventRow>(
    `SELECT seq, id, type, data, created_at FROM events WHERE user_id = ? AND seq > ?
     ORDER BY seq LIMIT ?`,
    [userId, seq, limit],
  );

/** Without a resume point, a stream replays this much of the recent past, and no more. */
export const RECENT_EVENTS = { ms: 5 * 60_000, max: 100 };

/**
 * Where a stream without `Last-Event-ID` starts: before the user's events of the last
 * `RECENT_EVENTS.ms` (at most `RECENT_EVENTS.max` of them). A page that loads a payment and
 * then subscribes still gets a change made in between, and a user with years of history
 * does not download it on every page load.
 */
export async function recentStart(sql: Sql, userId: string, now: number): Promise<number> {
  const newest = await sql.all<Pick<EventRow, 'seq' | 'created_at'>>(
    'SELECT seq, created_at FROM events WHERE user_id = ? ORDER BY seq DESC LIMIT ?',
    [userId, RECENT_EVENTS.max],
  );
  let start = Number(newest[0]?.seq ?? 0);
  for (const row of newest) {
    if (row.created_at < now - RECENT_EVENTS.ms) break;
    start = Number(row.seq) - 1;
  }
  return start;
}

/** The `seq` of the user's newest event, 0 if none. */
export async function latestSeq(sql: Sql, userId: string): Promise<number> {
  const row = await sql.get<{ last_seq: number }>(
    'SELECT last_seq FROM event_sequences WHERE user_id = ?',
    [userId],
  );
  return Number(row?.last_seq ?? 0);
}
