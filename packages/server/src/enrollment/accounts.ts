import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { type Country, countries, type Limits, limitsWith } from '../countries.js';
import { recordEvent } from '../events/events.js';
import type { Sql } from '../store/store.js';

export type AccountStatus = 'new' | 'pending_verification' | 'active' | 'locked' | 'frozen';

export interface AccountRow {
  user_id: string;
  status: AccountStatus;
  legal_name: string | null;
  country: Country | null;
  phone: string | null;
  card_id: string | null;
  pin_hash: string | null;
  pin_failures: number;
  verified_at: number | null;
  last_pin_at: number | null;
  tokens_valid_after: number | null;
  status_before_freeze: AccountStatus | null;
  created_at: number;
  updated_at: number;
}

interface CardRow {
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
}

export const getAccount = (sql: Sql, userId: string) =>
  sql.get<AccountRow>('SELECT * FROM accounts WHERE user_id = ?', [userId]);

/** The account row, created in status `new` on first use. */
export async function ensureAccount(sql: Sql, userId: string, now: number): Promise<AccountRow> {
  await sql.run(
    `INSERT INTO accounts (user_id, status, pin_failures, created_at, updated_at)
     VALUES (?, 'new', 0, ?, ?) ON CONFLICT (user_id) DO NOTHING`,
    [userId, now, now],
  );
  return (await getAccount(sql, userId)) as AccountRow;
}

/** `+33612345678` -> `+33 •••••••78`: enough to recognise, not enough to call. */
export function maskPhone(phone: string): string {
  const cc = `+${parsePhoneNumberFromString(phone)?.countryCallingCode ?? ''}`;
  return `${cc} ${'•'.repeat(Math.max(0, phone.length - cc.length - 2))}${phone.slice(-2)}`;
}

const money = (value: number, currency: string) => ({ value, currency });

export type NextStep = 'profile' | 'card' | 'pin' | 'verification' | 'unlock' | null;

function nextStep(account: AccountRow | undefined): NextStep {
  if (!account?.phone) return 'profile';
  switch (account.status) {
    case 'new':
      return account.card_id ? 'pin' : 'card';
    case 'pending_verification':
      return 'verification';
    case 'locked':
      return 'unlock';
    default:
      return null;
  }
}

/** The account as its owner sees it: no secrets, phone masked. */
export async function accountView(
  sql: Sql,
  userId: string,
  account: AccountRow | undefined,
  limits: Limits = limitsWith(),
) {
  const card =
    account?.card_id &&
    (await sql.get<CardRow>('SELECT brand, last4, exp_month, exp_year FROM cards WHERE id = ?', [
      account.card_id,
    ]));
  const rules = account?.country
    ? { currency: countries[account.country].currency, limits: limits[account.country] }
    : undefined;
  return {
    userId,
    status: account?.status ?? ('new' as const),
    nextStep: nextStep(account),
    profile:
      account?.legal_name && account.country && account.phone
        ? {
            legalName: account.legal_name,
            country: account.country,
            phone: maskPhone(account.phone),
          }
        : null,
    card: card
      ? { brand: card.brand, last4: card.last4, expMonth: card.exp_month, expYear: card.exp_year }
      : null,
    pinSet: Boolean(account?.pin_hash),
    currency: rules?.currency ?? null,
    limits: rules
      ? {
          perTransfer: money(rules.limits.perTransfer, rules.currency),
          rolling30Days: money(rules.limits.rolling30Days, rules.currency),
          newAccount7Days: money(rules.limits.newAccount7Days, rules.currency),
        }
      : null,
  };
}

export type AccountView = Awaited<ReturnType<typeof accountView>>;

/**
 * Records an `account.updated` event with the account as its owner sees it, inside the
 * transaction that changed its status or next step: the enrollment component follows it live.
 */
export async function recordAccountUpdated(tx: Sql, userId: string, now: number, limits: Limits) {
  const data = await accountView(tx, userId, await getAccount(tx, userId), limits);
  await recordEvent(tx, { type: 'account.updated', userIds: [userId], data }, now);
}
