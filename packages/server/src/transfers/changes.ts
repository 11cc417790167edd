import { recordEvent } from '../events/events.js';
import { requestChanged } from '../requests/changes.js';
import { getRequest } from '../requests/request-row.js';
import type { Services } from '../services.js';
import type { Sql } from '../store/store.js';
import { type TransferRow, transferView } from './transfer-row.js';

/**
 * Everything that follows a transfer's change, in the same transaction: the request it pays
 * is paid once the money arrived, and open again if the payment failed; both parties get a
 * `transfer.updated` event (live streams and webhooks).
 */
export async function transferChanged(
  tx: Sql,
  services: Services,
  t: TransferRow,
  before?: TransferRow,
) {
  const now = services.now();
  if (t.request_id) {
    const settled =
      t.status === 'completed'
        ? await tx.run(
            `UPDATE payment_requests SET status = 'paid', updated_at = ? WHERE id = ? AND status = 'open'`,
            [now, t.request_id],
          )
        : t.status === 'failed' || t.status === 'canceled'
          ? await tx.run(
              'UPDATE payment_requests SET transfer_id = NULL, updated_at = ? WHERE id = ? AND transfer_id = ?',
              [now, t.request_id, t.id],
            )
          : { changes: 0 };
    const request = await getRequest(tx, t.request_id);
    // New links (a transfer starts paying it) and settlements change what its parties see.
    if (request && (settled.changes > 0 || !before)) await requestChanged(tx, services, request);
  }
  const view = transferView(t);
  // Internal steps (charged, about to pay out) change nothing the parties see.
  const visible = (r: TransferRow) => `${r.status} ${r.failure_reason} ${r.step === 'review'}`;
  if (before && visible(before) === visible(t)) return view;
  await recordEvent(
    tx,
    { type: 'transfer.updated', userIds: [t.sender_id, t.recipient_id], data: view },
    now,
  );
  return view;
}
