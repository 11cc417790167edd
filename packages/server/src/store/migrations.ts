import type { Sql } from './store.js';

/**
 * Versioned schema migrations, in SQL both stores accept: BIGINT for milliseconds and minor
 * units, TEXT for the rest. Never edit a released migration; add a new one.
 */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'enrollment',
    statements: [
      `CREATE TABLE accounts (
        user_id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        legal_name TEXT,
        country TEXT,
        phone TEXT,
        card_id TEXT,
        pin_hash TEXT,
        pin_failures BIGINT NOT NULL DEFAULT 0,
        verified_at BIGINT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      `CREATE TABLE cards (
        id TEXT PRIMARY KEY,
        token TEXT NOT NULL UNIQUE,
        token_expires_at BIGINT NOT NULL,
        user_id TEXT,
        attached_at BIGINT,
        pan_sealed TEXT NOT NULL,
        key_id TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        brand TEXT NOT NULL,
        last4 TEXT NOT NULL,
        exp_month BIGINT NOT NULL,
        exp_year BIGINT NOT NULL,
        created_at BIGINT NOT NULL
      )`,
      'CREATE INDEX cards_unattached ON cards (token_expires_at) WHERE user_id IS NULL',
      `CREATE TABLE verifications (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        phone TEXT NOT NULL,
        code_hash TEXT NOT NULL,
        attempts BIGINT NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        consumed_at BIGINT
      )`,
      'CREATE INDEX verifications_user ON verifications (user_id, created_at)',
      'CREATE INDEX verifications_phone ON verifications (phone, created_at)',
      `CREATE TABLE dev_sms_outbox (
        id TEXT PRIMARY KEY,
        phone TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at BIGINT NOT NULL
      )`,
    ],
  },
  {
    version: 2,
    name: 'transfers',
    statements: [
      // Per-account fields of the money flows: the last PIN (SCA window) and token revocation.
      'ALTER TABLE accounts ADD COLUMN last_pin_at BIGINT',
      'ALTER TABLE accounts ADD COLUMN tokens_valid_after BIGINT',
      'ALTER TABLE accounts ADD COLUMN status_before_freeze TEXT',
      `CREATE TABLE transfers (
        id TEXT PRIMARY KEY,
        sender_id TEXT NOT NULL,
        recipient_id TEXT NOT NULL,
        amount BIGINT NOT NULL,
        currency TEXT NOT NULL,
        note TEXT,
        conversation_id TEXT,
        request_id TEXT,
        status TEXT NOT NULL,
        step TEXT NOT NULL,
        failure_reason TEXT,
        review BIGINT NOT NULL DEFAULT 0,
        sca TEXT NOT NULL,
        sender_card_id TEXT NOT NULL,
        charge_ref TEXT,
        payout_ref TEXT,
        refund_ref TEXT,
        attempts BIGINT NOT NULL DEFAULT 0,
        next_attempt_at BIGINT NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        completed_at BIGINT,
        available_at BIGINT,
        expires_at BIGINT
      )`,
      'CREATE INDEX transfers_sender ON transfers (sender_id, created_at)',
      'CREATE INDEX transfers_recipient ON transfers (recipient_id, created_at)',
      'CREATE INDEX transfers_conversation ON transfers (conversation_id, created_at)',
      'CREATE INDEX transfers_step ON transfers (step, next_attempt_at)',
      "CREATE UNIQUE INDEX transfers_paying_request ON transfers (request_id) WHERE request_id IS NOT NULL AND status NOT IN ('failed', 'canceled')",
      // Two-phase, double-entry ledger (after TigerBeetle): a movement reserves as pending
      // entries, then posts or voids; entries are append-only and each movement sums to zero.
      `CREATE TABLE ledger_movements (
        id TEXT PRIMARY KEY,
        transfer_id TEXT NOT NULL,
        debit_account TEXT NOT NULL,
        credit_account TEXT NOT NULL,
        amount BIGINT NOT NULL,
        currency TEXT NOT NULL,
        state TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        resolved_at BIGINT
      )`,
      'CREATE INDEX ledger_movements_transfer ON ledger_movements (transfer_id)',
      `CREATE TABLE ledger_entries (
        movement_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        account TEXT NOT NULL,
        phase TEXT NOT NULL,
        amount BIGINT NOT NULL,
        currency TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (movement_id, seq)
      )`,
      'CREATE INDEX ledger_entries_account ON ledger_entries (account, phase)',
      `CREATE TABLE idempotency_keys (
        user_id TEXT NOT NULL,
        key TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (user_id, key)
      )`,
      'CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at)',
      // Devices the user confirmed with their PIN (the new-device rule).
      `CREATE TABLE known_devices (
        user_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (user_id, device_id)
      )`,
      `CREATE TABLE sca_used (
        jti TEXT PRIMARY KEY,
        expires_at BIGINT NOT NULL
      )`,
      `CREATE TABLE payment_requests (
        id TEXT PRIMARY KEY,
        group_id TEXT NOT NULL,
        requester_id TEXT NOT NULL,
        payer_id TEXT NOT NULL,
        amount BIGINT NOT NULL,
        currency TEXT NOT NULL,
        note TEXT,
        conversation_id TEXT,
        status TEXT NOT NULL,
        transfer_id TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      'CREATE INDEX payment_requests_requester ON payment_requests (requester_id, created_at)',
      'CREATE INDEX payment_requests_payer ON payment_requests (payer_id, created_at)',
      'CREATE INDEX payment_requests_group ON payment_requests (group_id)',
      `CREATE TABLE risk_flags (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        transfer_id TEXT,
        rule TEXT NOT NULL,
        outcome TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        resolved_at BIGINT
      )`,
      'CREATE INDEX risk_flags_status ON risk_flags (status, created_at)',
      // The sandbox card network's own record, so it answers a repeated call by its key.
      `CREATE TABLE sandbox_operations (
        key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        card_last4 TEXT NOT NULL,
        amount BIGINT NOT NULL,
        currency TEXT NOT NULL,
        outcome TEXT NOT NULL,
        created_at BIGINT NOT NULL
      )`,
    ],
  },
  {
    version: 3,
    name: 'events',
    statements: [
      // One row per user and event; seq comes from event_sequences, so it has no gaps.
      `CREATE TABLE events (
        user_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        id TEXT NOT NULL,
        type TEXT NOT NULL,
        data TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (user_id, seq)
      )`,
      `CREATE TABLE event_sequences (
        user_id TEXT PRIMARY KEY,
        last_seq BIGINT NOT NULL
      )`,
      // next_attempt_at doubles as the lease of the worker sending it (see webhooks.ts).
      `CREATE TABLE webhook_outbox (
        id TEXT PRIMARY KEY,
        payload TEXT NOT NULL,
        attempts BIGINT NOT NULL DEFAULT 0,
        next_attempt_at BIGINT NOT NULL,
        delivered_at BIGINT,
        failed_at BIGINT,
        last_error TEXT,
        created_at BIGINT NOT NULL
      )`,
      `CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_at)
        WHERE delivered_at IS NULL AND failed_at IS NULL`,
    ],
  },
  {
    version: 4,
    name: 'assistant_preferences',
    statements: [
      // One JSON document per user: read and written whole, under the user's lock.
      `CREATE TABLE assistant_preferences (
        user_id TEXT PRIMARY KEY,
        data TEXT NOT NULL,
        version BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
    ],
  },
  {
    version: 5,
    name: 'card_checks',
    statements: [
      // Each time the card network was asked about a card a user tried to attach: the limit
      // on those checks stops a user from testing stolen numbers one after another.
      `CREATE TABLE card_checks (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        outcome TEXT NOT NULL,
        created_at BIGINT NOT NULL
      )`,
      'CREATE INDEX card_checks_user ON card_checks (user_id, created_at)',
    ],
  },
  {
    version: 6,
    name: 'transfer_indexes',
    statements: [
      // Limits and the SCA exemption sum a sender's recent transfers on every transfer: with
      // the summed columns in the index, those sums never read the table.
      'CREATE INDEX transfers_sender_totals ON transfers (sender_id, created_at, currency, status, sca, amount)',
      'DROP INDEX transfers_sender',
      // Nothing looks entries up by account (`settle check` scans them all): the index cost
      // a write on a random page for each of a transfer's twelve entries.
      'DROP INDEX ledger_entries_account',
      // The jobs look only for unfinished transfers: finished ones (nearly all) leave the index
      // instead of being moved inside it at every step.
      "CREATE INDEX transfers_unfinished ON transfers (step, created_at) WHERE step <> 'done'",
      'DROP INDEX transfers_step',
    ],
  },
  {
    version: 7,
    name: 'pin_check_lease',
    statements: [
      // One PIN check at a time per account (enrollment/pin.ts): until when the running one
      // holds it, so that a check that crashed frees the account by itself.
      'ALTER TABLE accounts ADD COLUMN pin_check_until BIGINT',
    ],
  },
  {
    version: 8,
    name: 'awaiting_expiry',
    statements: [
      // The jobs refund what waited 7 days every second: they find it by its expiry, without
      // reading every transfer still waiting.
      "CREATE INDEX transfers_awaiting_expiry ON transfers (expires_at) WHERE step = 'await'",
    ],
  },
  {
    version: 9,
    name: 'approved_holds',
    statements: [
      // When a transfer held for review was approved: its money moves then, so the limits
      // count it from then (risk/limits.ts). Those approved before this column: their flag's.
      'ALTER TABLE transfers ADD COLUMN approved_at BIGINT',
      `UPDATE transfers SET approved_at = f.resolved_at FROM risk_flags f
       WHERE f.transfer_id = transfers.id AND f.status = 'approved' AND transfers.review = 1`,
      // Only approved holds (few) are in it: other transfers write nothing more.
      'CREATE INDEX transfers_sender_approved ON transfers (sender_id, approved_at) WHERE approved_at IS NOT NULL',
    ],
  },
  {
    version: 10,
    name: 'webhooks_failed',
    statements: [
      // The admin API lists and retries the messages Settle gave up on: found without reading
      // the 7 days of delivered ones (the index holds only the few that failed).
      'CREATE INDEX webhook_outbox_failed ON webhook_outbox (id) WHERE failed_at IS NOT NULL',
    ],
  },
];

/** Applies pending migrations inside the caller's transaction; returns the versions applied. */
export async function applyMigrations(tx: Sql): Promise<number[]> {
  const rows = await tx.all<{ version: number }>('SELECT version FROM settle_migrations');
  const done = new Set(rows.map((row) => Number(row.version)));
  const applied: number[] = [];
  // In version order, whatever order branches appended them in.
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  for (const migration of ordered) {
    if (done.has(migration.version)) continue;
    for (const statement of migration.statements) await tx.run(statement);
    await tx.run('INSERT INTO settle_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
      migration.version,
      migration.name,
      Date.now(),
    ]);
    applied.push(migration.version);
  }
  return applied;
}

export const createMigrationsTable =
  'CREATE TABLE IF NOT EXISTS settle_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)';
