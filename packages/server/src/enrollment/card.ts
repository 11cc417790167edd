import { detectBrand, last4 } from '../cards/brand.js';
import { isLuhnValid } from '../cards/luhn.js';
import { fingerprintPan } from '../crypto/secrets.js';
import { type ApiError, conflict, invalid, unavailable, unprocessable } from '../http/errors.js';
import type { Services } from '../services.js';
import { type AccountRow, recordAccountUpdated } from './accounts.js';
import { reserveCardCheck, settleCardCheck } from './card-checks.js';

const TOKEN_TTL_MS = 15 * 60_000;

const isExpired = (expMonth: number, expYear: number, now: number) => {
  const d = new Date(now);
  return expYear * 12 + expMonth < d.getUTCFullYear() * 12 + d.getUTCMonth() + 1;
};

const randomToken = () =>
  `ctok_${Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('base64url')}`;

export interface CardInput {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

/**
 * Turns a card entered in the card frame into a single-use token. The number is sealed
 * at once; the CVC is only checked for shape and never stored (PCI DSS).
 */
export async function tokenizeCard(services: Services, input: CardInput) {
  const { store, vault, now, hashSecret } = services;
  if (!isLuhnValid(input.number)) {
    throw invalid('card_number_invalid', 'The card number is not valid.', 'number');
  }
  const t = now();
  if (isExpired(input.expMonth, input.expYear, t)) {
    throw invalid('card_expired', 'The card has expired.', 'expYear');
  }
  const id = `card_${crypto.randomUUID()}`;
  const token = randomToken();
  const card = {
    brand: detectBrand(input.number),
    last4: last4(input.number),
    expMonth: input.expMonth,
    expYear: input.expYear,
  };
  const sealed = await vault.seal(input.number, id);
  await store.transaction(async (tx) => {
    // Numbers never attached are not kept past their token's life.
    await tx.run('DELETE FROM cards WHERE user_id IS NULL AND token_expires_at < ?', [t]);
    await tx.run(
      `INSERT INTO cards (id, token, token_expires_at, pan_sealed, key_id, fingerprint, brand, last4,
         exp_month, exp_year, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        token,
        t + TOKEN_TTL_MS,
        sealed,
        vault.activeKeyId,
        fingerprintPan(input.number, hashSecret),
        card.brand,
        card.last4,
        card.expMonth,
        card.expYear,
        t,
      ],
    );
  });
  return { token, card };
}

/** The network's checks and ours: the card's brand, or the error refusing it. */
async function checkWithNetwork(
  services: Services,
  account: AccountRow,
  row: TokenRow,
  t: number,
): Promise<{ brand: string } | { refusal: ApiError }> {
  const pan = await services.vault.open(row.pan_sealed, row.id);
  const check = await services.processor.checkCard({
    pan,
    expMonth: row.exp_month,
    expYear: row.exp_year,
  });
  if (!check.ok) {
    const messages = {
      card_declined: 'The card was declined.',
      expired_card: 'The card has expired.',
      card_unsupported: 'This card is not supported. In the sandbox, use a test card.',
    };
    return { refusal: unprocessable(check.code, messages[check.code], 'token') };
  }
  if (isExpired(row.exp_month, row.exp_year, t)) {
    return { refusal: unprocessable('expired_card', 'The card has expired.', 'token') };
  }
  if (check.funding !== 'debit') {
    return { refusal: unprocessable('card_not_debit', 'Use a debit card.', 'token') };
  }
  if ((check.country ?? account.country) !== account.country) {
    return {
      refusal: unprocessable(
        'card_country_mismatch',
        'The card must be issued in the country of your profile.',
        'token',
      ),
    };
  }
  return { brand: check.brand };
}

interface TokenRow {
  id: string;
  pan_sealed: string;
  exp_month: number;
  exp_year: number;
}

/**
 * Attaches a card token to the account after the network's checks: a debit card, not
 * expired, issued in the profile's country (domestic only).
 */
export async function attachCard(services: Services, account: AccountRow, token: string) {
  const { store, now } = services;
  const t = now();
  const row = await store.get<TokenRow>(
    `SELECT id, pan_sealed, exp_month, exp_year FROM cards
     WHERE token = ? AND user_id IS NULL AND token_expires_at > ?`,
    [token, t],
  );
  if (!row) {
    throw invalid('card_token_invalid', 'This card token is unknown, used or expired.', 'token');
  }
  const checkId = await reserveCardCheck(services, account.user_id, t);
  const check = await checkWithNetwork(services, account, row, t).catch(async (error) => {
    // The network did not answer: not one of the user's attempts.
    await settleCardCheck(services, checkId, 'unavailable');
    services.log({ event: 'card.check_failed', error: (error as Error).name });
    throw unavailable(
      'card_network_unavailable',
      'The card network did not answer. Try again in a moment.',
      30,
    );
  });
  await settleCardCheck(services, checkId, 'refusal' in check ? check.refusal.code : 'approved');
  if ('refusal' in check) throw check.refusal;
  await store.transaction(async (tx) => {
    const claimed = await tx.run(
      'UPDATE cards SET user_id = ?, attached_at = ?, brand = ? WHERE id = ? AND user_id IS NULL',
      [account.user_id, t, check.brand, row.id],
    );
    if (claimed.changes === 0)
      throw conflict('card_token_used', 'This card token was already used.');
    // Only onto the account as it was checked: the profile's country may have changed, or the
    // account been activated, while the network answered (PostgreSQL re-checks this under
    // the row lock).
    const attached = await tx.run(
      `UPDATE accounts SET card_id = ?, updated_at = ?
       WHERE user_id = ? AND country = ? AND status IN ('new', 'pending_verification')`,
      [row.id, t, account.user_id, account.country],
    );
    if (attached.changes === 0) {
      throw conflict(
        'account_changed',
        'Your account changed while the card was checked: add the card again.',
      );
    }
    await recordAccountUpdated(tx, account.user_id, t, services.limits);
  });
}
