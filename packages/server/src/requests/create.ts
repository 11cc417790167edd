import type { z } from '@hono/zod-openapi';
import { countries } from '../countries.js';
import { getAccount } from '../enrollment/accounts.js';
import { invalid, unprocessable } from '../http/errors.js';
import { newId } from '../ids.js';
import type { Services } from '../services.js';
import { requireActive } from '../transfers/create.js';
import { lockPayer, rememberKey, replayOf, requestHash } from '../transfers/idempotency.js';
import { requestChanged } from './changes.js';
import { type RequestRow, splitEvenly } from './request-row.js';
import type { RequestInput } from './schemas.js';

/** The payers and their amounts, from either form of the input. */
function shares(input: z.infer<typeof RequestInput>) {
  if (input.payers) return input.payers.map((p) => ({ userId: p.userId, amount: p.amount }));
  const split = input.split as NonNullable<typeof input.split>;
  const people = split.includeSelf ? split.among.length + 1 : split.among.length;
  const parts = splitEvenly(split.total.value, people);
  return split.among.map((payer, i) => ({
    userId: payer,
    amount: { value: parts[i] as number, currency: split.total.currency },
  }));
}

/** Creates one request per payer, as one group, idempotently. */
export async function createRequests(
  services: Services,
  userId: string,
  key: string,
  input: z.infer<typeof RequestInput>,
): Promise<RequestRow[]> {
  const hash = requestHash('POST /v1/requests', input);
  return services.store.transaction(async (tx) => {
    await lockPayer(tx, userId);
    const earlier = await replayOf(tx, userId, key, hash);
    if (earlier) {
      return tx.all<RequestRow>('SELECT * FROM payment_requests WHERE group_id = ? ORDER BY id', [
        earlier,
      ]);
    }
    const requester = await getAccount(tx, userId);
    requireActive(requester);
    const { currency } = countries[requester.country];
    const limits = services.limits[requester.country];
    const list = shares(input);
    /** Where the i-th payer is in the body, for errors about them. */
    const paramOf = (i: number) => (input.payers ? `payers.${i}` : `split.among.${i}`);
    const seen = new Set<string>();
    list.forEach((p, i) => {
      const param = paramOf(i);
      if (p.userId === userId)
        throw invalid('payer_invalid', 'You cannot ask yourself for money.', param);
      if (seen.has(p.userId)) throw invalid('payer_duplicate', 'Each person appears once.', param);
      seen.add(p.userId);
      if (p.amount.currency !== currency) {
        throw unprocessable(
          'currency_mismatch',
          `Requests from this account are in ${currency}.`,
          param,
        );
      }
      if (p.amount.value < 1)
        throw unprocessable('amount_too_small', 'Each share must be at least 0.01.', param);
      if (p.amount.value > limits.perTransfer) {
        throw unprocessable('limit_exceeded', 'A share is above the per-transfer limit.', param);
      }
    });
    // Payments stay within one country: someone enrolled in another could never pay this.
    const abroad = await tx.all<{ user_id: string }>(
      `SELECT user_id FROM accounts WHERE user_id IN (${list.map(() => '?').join(', ')})
       AND country IS NOT NULL AND country <> ?`,
      [...list.map((p) => p.userId), requester.country],
    );
    const first = list.findIndex((p) => abroad.some((a) => a.user_id === p.userId));
    if (first >= 0) {
      throw unprocessable(
        'payer_not_domestic',
        'Requests stay within one country: this person is in another.',
        paramOf(first),
      );
    }

    const now = services.now();
    const groupId = newId('rg');
    // Ids made in one millisecond sort at random: handed out sorted, they keep the order the
    // people were given (the first ones carry a split's extra cents), here and in a replay.
    const ids = list.map(() => newId('rq')).sort();
    const rows: RequestRow[] = list.map((p, i) => ({
      id: ids[i] as string,
      group_id: groupId,
      requester_id: userId,
      payer_id: p.userId,
      amount: p.amount.value,
      currency,
      note: input.note ?? null,
      conversation_id: input.conversationId ?? null,
      status: 'open',
      transfer_id: null,
      created_at: now,
      updated_at: now,
    }));
    for (const r of rows) {
      const columns = Object.keys(r);
      await tx.run(
        `INSERT INTO payment_requests (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        Object.values(r) as (string | number | null)[],
      );
      await requestChanged(tx, services, r);
    }
    await rememberKey(tx, userId, key, hash, groupId, now);
    return rows;
  });
}
