/** An amount in integer minor units of an ISO 4217 currency (never a float). */
export interface Money {
  /** Minor units: 2050 is 20.50 EUR. */
  value: number;
  /** ISO 4217 code, for example `EUR`. */
  currency: string;
}

/** Minor units as an exact decimal string, so no float ever rounds the amount. */
function toDecimalString(value: number, digits: number): string {
  const sign = value < 0 ? '-' : '';
  const units = String(Math.abs(value)).padStart(digits + 1, '0');
  if (digits === 0) return sign + units;
  return `${sign}${units.slice(0, -digits)}.${units.slice(-digits)}`;
}

/**
 * Formats money for display with `Intl.NumberFormat` in the given locale.
 *
 * @example
 * formatMoney({ value: 2050, currency: 'EUR' }, 'fr-FR'); // "20,50 €"
 */
export function formatMoney(money: Money, locale?: string): string {
  if (!Number.isSafeInteger(money.value)) {
    throw new RangeError(
      `Money value must be an integer number of minor units, got ${money.value}`,
    );
  }
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  // Intl accepts decimal strings (`Intl.NumberFormat` v3), keeping the value exact.
  return format.format(toDecimalString(money.value, digits) as unknown as number);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Reads an amount typed by the user in their locale into integer minor units, without
 * floats: `"1 250,50"` in French is 125050 cents. Accepts the currency's symbol or code,
 * the locale's grouping and digits, and a `.` decimal point where `.` does not group.
 * Returns `null` for anything else, including negative amounts and more decimals than
 * the currency has (`"5.5"` yen).
 *
 * @example
 * parseMoney('20,50 €', 'EUR', 'fr-FR'); // { value: 2050, currency: 'EUR' }
 * parseMoney('$1,250', 'USD', 'en-US');  // { value: 125000, currency: 'USD' }
 */
export function parseMoney(text: string, currency: string, locale?: string): Money | null {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  const parts = format.formatToParts(-12345.6);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const group = part('group');
  const decimal = part('decimal') || '.';
  const numerals = new Intl.NumberFormat(locale, { useGrouping: false }).format(9876543210);

  let s = text
    .trim()
    .replace(new RegExp(`${escapeRegExp(part('currency'))}|${currency}`, 'gi'), '');
  // The locale's own digits (Arabic-Indic, ...) to ASCII ones.
  s = s.trim().replace(/./gu, (c) => {
    const i = numerals.indexOf(c);
    return i === -1 ? c : String(9 - i);
  });
  // Space-like grouping (French): any space the user typed groups digits.
  const groupPattern = /\s/.test(group) ? '\\s' : escapeRegExp(group);
  const decimalPattern = group === '.' ? escapeRegExp(decimal) : `[${escapeRegExp(decimal)}.]`;
  const match = new RegExp(
    `^(\\d{1,3}(?:${groupPattern}\\d{3})+|\\d+)(?:${decimalPattern}(\\d*))?$`,
  ).exec(s);
  if (!match) return null;
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return null;
  const value = Number(match[1]?.replace(/\D/g, '') + fraction.padEnd(digits, '0'));
  return Number.isSafeInteger(value) ? { value, currency } : null;
}
