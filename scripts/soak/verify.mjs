// What the soak proves, read from the store after the last clean stop: every acknowledged
// key is there exactly once, nothing else was created, the ledger is balanced, the sandbox
// card network moved each transfer's money exactly as its final state says, and no sender
// went over a limit.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkLedger } from '@settle/server';

/**
 * Waits (up to 2 minutes) until the servers' jobs have finished every transfer that can be
 * finished: no step in flight, none held for review, none waiting for a recipient who has
 * enrolled (the jobs sweep for those once a minute).
 */
export async function untilSettled(store) {
  for (let i = 0; i < 120; i++) {
    const row = await store.get(
      `SELECT COUNT(*) AS n FROM transfers t LEFT JOIN accounts a ON a.user_id = t.recipient_id
       WHERE t.step IN ('charge', 'payout', 'refund', 'review')
          OR (t.step = 'await' AND a.status = 'active')`,
    );
    if (Number(row.n) === 0) return;
    await sleep(1000);
  }
}

/** Transfers that must have been charged, paid out and refunded once (else never). */
function expectedOperations(t) {
  const payoutFailed = t.failure_reason === 'payout_failed';
  return {
    charge:
      t.status === 'completed' ||
      t.status === 'canceled' ||
      t.status === 'awaiting_recipient' ||
      payoutFailed ||
      (t.status === 'pending' && t.step === 'payout'),
    payout: t.status === 'completed',
    refund: t.status === 'canceled' || payoutFailed,
  };
}

export async function verifySoak(sql, workload) {
  const details = [];
  const note = (kind, message) => details.length < 40 && details.push(`${kind}: ${message}`);
  const transfers = await sql.all(
    `SELECT id, sender_id, amount, currency, status, step, failure_reason, request_id, sca
     FROM transfers`,
  );
  const keys = await sql.all('SELECT user_id, key, resource_id FROM idempotency_keys');
  const groups = new Set(
    (await sql.all('SELECT DISTINCT group_id FROM payment_requests')).map((r) => r.group_id),
  );
  const operations = await sql.all(
    "SELECT key, kind FROM sandbox_operations WHERE outcome = 'approved'",
  );
  const accounts = await sql.all('SELECT user_id, created_at FROM accounts');

  const byId = new Map(transfers.map((t) => [t.id, t]));
  const keyRows = new Map(keys.map((k) => [`${k.user_id}\n${k.key}`, k.resource_id]));
  const entries = [...workload.keyed.values()];
  const acked = entries.filter((e) => e.id);
  const ackedTransfers = acked.filter((e) => e.kind === 'transfer');

  // Lost: acknowledged but not there, or forgotten by the key; or never settled.
  let lost = workload.counts.replaysRefused;
  for (const e of acked) {
    const exists = e.kind === 'transfer' ? byId.has(e.id) : groups.has(e.id);
    if (!exists || keyRows.get(`${e.user}\n${e.key}`) !== e.id) {
      lost++;
      note('lost', `${e.kind} ${e.id} (key ${e.key})`);
    }
  }
  for (const e of entries.filter((x) => !x.id && !x.refusal)) {
    lost++;
    note('lost', `key ${e.key} never got a definitive answer`);
  }

  // Duplicated: a transfer nobody was told about, one id for two keys, two ids for one key,
  // a request paid twice, the card network asked twice.
  let duplicated = workload.counts.ackMismatches;
  const ackedIds = new Set(ackedTransfers.map((e) => e.id));
  duplicated += ackedTransfers.length - ackedIds.size;
  for (const t of transfers) {
    if (ackedIds.has(t.id)) continue;
    duplicated++;
    note('duplicated', `transfer ${t.id} (${t.status}) was never acknowledged`);
  }
  for (const e of entries.filter((x) => !x.id && x.refusal)) {
    if (keyRows.has(`${e.user}\n${e.key}`)) {
      duplicated++;
      note('duplicated', `key ${e.key} was refused (${e.refusal}) yet created something`);
    }
  }
  const paying = new Map();
  for (const t of transfers) {
    if (t.request_id && t.status === 'completed') {
      paying.set(t.request_id, (paying.get(t.request_id) ?? 0) + 1);
    }
  }
  for (const [request, n] of paying) {
    if (n > 1) {
      duplicated += n - 1;
      note('duplicated', `request ${request} paid by ${n} transfers`);
    }
  }

  // Unbalanced: the ledger's invariants, and money where the final state says it is.
  const ledger = await checkLedger(sql);
  let unbalanced = ledger.problems.length;
  for (const p of ledger.problems) note('unbalanced', p);
  const done = new Map();
  for (const op of operations) {
    const [id, kind] = op.key.split(':');
    const t = byId.get(id);
    if (!t) {
      duplicated++;
      note('duplicated', `the card network moved money for unknown transfer ${id}`);
      continue;
    }
    done.set(op.key, kind);
  }
  for (const t of transfers) {
    if (['charge', 'payout', 'refund'].includes(t.step)) {
      unbalanced++;
      note('unbalanced', `transfer ${t.id} is stuck in step ${t.step}`);
    }
    const expected = expectedOperations(t);
    for (const kind of ['charge', 'payout', 'refund']) {
      if (done.has(`${t.id}:${kind}`) !== expected[kind]) {
        unbalanced++;
        note('unbalanced', `transfer ${t.id} (${t.status}, ${t.step}): ${kind} wrong`);
      }
    }
  }

  // Limits: what each sender committed (everything not failed or canceled) within the SPEC's
  // limits; no exempt payment above the SCA exemption.
  let limitsExceeded = 0;
  const created = new Map(accounts.map((a) => [a.user_id, Number(a.created_at)]));
  const committed = new Map();
  for (const t of transfers) {
    const user = workload.users.get(t.sender_id);
    const limits = user?.limits;
    if (!limits) {
      limitsExceeded++;
      note('limits', `transfer ${t.id} from ${t.sender_id}, whose limits are unknown`);
      continue;
    }
    if (t.amount > limits.perTransfer.value) {
      limitsExceeded++;
      note('limits', `transfer ${t.id} of ${t.amount} over the per-transfer limit`);
    }
    if (t.sca === 'exempt' && t.amount > 3000) {
      limitsExceeded++;
      note('limits', `transfer ${t.id} of ${t.amount} exempt from the PIN`);
    }
    if (t.status !== 'failed' && t.status !== 'canceled') {
      committed.set(t.sender_id, (committed.get(t.sender_id) ?? 0) + Number(t.amount));
    }
  }
  for (const [sender, total] of committed) {
    const { limits } = workload.users.get(sender);
    // The whole soak is within 7 days of every account's creation, so both windows hold.
    const isNew = Date.now() - (created.get(sender) ?? 0) < 30 * 24 * 3600 * 1000;
    const limit = Math.min(
      limits.rolling30Days.value,
      isNew ? limits.newAccount7Days.value : Number.POSITIVE_INFINITY,
    );
    if (total > limit) {
      limitsExceeded++;
      note('limits', `${sender} committed ${total}, over ${limit}`);
    }
  }

  const byStatus = {};
  for (const t of transfers) {
    const state = t.failure_reason ? `${t.status} (${t.failure_reason})` : t.status;
    byStatus[state] = (byStatus[state] ?? 0) + 1;
  }
  const refusals = {};
  for (const e of entries.filter((x) => !x.id && x.refusal)) {
    refusals[e.refusal] = (refusals[e.refusal] ?? 0) + 1;
  }
  return {
    acknowledged: ackedTransfers.length,
    lost,
    duplicated,
    unbalanced,
    limitsExceeded,
    byStatus,
    refusals,
    ledger,
    details,
  };
}

/**
 * Looks for card numbers, CVCs, PINs and SMS codes in what the server printed. Codes and
 * PINs count only as whole tokens (not inside a longer id or number).
 */
export function secretsInLog(logPath, { cards, pins, codes }) {
  const text = readFileSync(logPath, 'utf8');
  const found = [];
  for (const pan of new Set(cards)) if (text.includes(pan)) found.push(`card ${pan.slice(-4)}`);
  // A field named cvc, not the letters inside a random id (ULIDs are upper case: …CVC…).
  if (/(?<![0-9A-Za-z_])cvc(?![0-9A-Za-z])/.test(text)) found.push('a CVC field');
  for (const secret of new Set([...pins, ...codes])) {
    if (new RegExp(`(?<![0-9A-Za-z])${secret}(?![0-9A-Za-z])`).test(text)) {
      found.push(`PIN or code ${secret.slice(0, 2)}…`);
    }
  }
  return { lines: text.split('\n').length - 1, found };
}
