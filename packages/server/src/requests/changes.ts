import { recordEvent } from '../events/events.js';
import type { Services } from '../services.js';
import type { Sql } from '../store/store.js';
import { type RequestRow, requestView } from './request-row.js';

/** Tells the requester and the payer, in the transaction of the change. */
export async function requestChanged(tx: Sql, services: Services, r: RequestRow) {
  const view = requestView(r);
  await recordEvent(
    tx,
    { type: 'request.updated', userIds: [r.requester_id, r.payer_id], data: view },
    services.now(),
  );
  return view;
}
