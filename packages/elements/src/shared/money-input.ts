import { parseMoney } from '@settle/sdk';

/** The currency's symbol in `locale`: `€`, `£`, `$`. */
export function currencySymbol(currency: string, locale: string): string {
  return (
    new Intl.NumberFormat(locale, { style: 'currency', currency })
      .formatToParts(0)
      .find((part) => part.type === 'currency')?.value ?? currency
  );
}

/** Minor units as the user would type them: 2050 EUR in French is `20,50`. */
export function amountInputValue(value: number, currency: string, locale: string): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  const units = String(value).padStart(digits + 1, '0');
  // A decimal string, so no float touches the amount (Intl reads strings exactly).
  const decimal = digits ? `${units.slice(0, -digits)}.${units.slice(-digits)}` : units;
  return format
    .formatToParts(decimal as unknown as number)
    .filter((part) => part.type !== 'currency' && part.type !== 'literal')
    .map((part) => part.value)
    .join('')
    .trim();
}

/** A positive amount typed by the user, in minor units, or null. */
export function readAmount(text: string, currency: string, locale: string) {
  const money = parseMoney(text, currency, locale);
  return money && money.value > 0 ? money : null;
}
