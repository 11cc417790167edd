/** Card networks Settle knows about. `unknown` covers every other BIN. */
export type CardBrand = 'visa' | 'mastercard' | 'cartes_bancaires' | 'amex' | 'unknown';

/** When money paid out to the card becomes available to its holder. */
export type Availability = { kind: 'instant' } | { kind: 'business_days'; days: number };

/** What the sandbox processor answers when the card is charged or paid out to. */
export type CardOutcome = 'approved' | 'card_declined' | 'insufficient_funds' | 'expired_card';

/** A test card of the sandbox processor: enrolling it always succeeds, its outcome comes later. */
export interface SandboxCard {
  /** Digits only. */
  pan: string;
  brand: CardBrand;
  funding: 'debit' | 'credit';
  /** Issuing country; `null` takes the enrolling profile's country (see `sandboxCards`). */
  country: 'FR' | 'GB' | 'US' | null;
  availability: Availability;
  outcome: CardOutcome;
}

const instant: Availability = { kind: 'instant' };

function card(
  pan: string,
  brand: CardBrand,
  country: SandboxCard['country'],
  availability: Availability,
  outcome: CardOutcome = 'approved',
): SandboxCard {
  return Object.freeze({
    pan,
    brand,
    funding: 'debit',
    country,
    availability: Object.freeze({ ...availability }),
    outcome,
  });
}

/**
 * The sandbox processor's test cards (SPEC: sandbox cards table). All are debit cards.
 *
 * The failing cards have `country: null`: they take the country of the profile that enrolls
 * them, so a French tester can enroll them like any French card and see the decline only when
 * money moves, which is where real declines happen.
 */
export const sandboxCards: readonly SandboxCard[] = Object.freeze([
  card('4000002500000003', 'visa', 'FR', instant),
  // Co-badged CB/Visa: French routing goes through Cartes Bancaires, hence the brand.
  card('4000002500001001', 'cartes_bancaires', 'FR', { kind: 'business_days', days: 1 }),
  card('4000008260000000', 'visa', 'GB', instant),
  card('4000056655665556', 'visa', 'US', instant),
  card('5200828282828210', 'mastercard', 'US', { kind: 'business_days', days: 3 }),
  card('4000000000000002', 'visa', null, instant, 'card_declined'),
  card('4000000000009995', 'visa', null, instant, 'insufficient_funds'),
  card('4000000000000069', 'visa', null, instant, 'expired_card'),
]);

const byPan = new Map(sandboxCards.map((c) => [c.pan, c]));

/**
 * Looks up a sandbox test card by number. Spaces and dashes are ignored, so the numbers can be
 * pasted as printed in the docs.
 *
 * @example
 * findSandboxCard('4000 0000 0000 9995')?.outcome; // 'insufficient_funds'
 * findSandboxCard('4242424242424242'); // undefined
 */
export function findSandboxCard(pan: string): SandboxCard | undefined {
  return byPan.get(pan.replace(/[\s-]/g, ''));
}
