// Finds written amounts ("$20", "7,50 €", "7€50", "1 500 €", "USD 15", "2k€", "20 balles")
// in normalised text, and turns them into integer minor units once the currency is known.

/**
 * How an amount names its currency: an ISO 4217 code, or a marker resolved against the
 * caller's currency: `$` any dollar ("$", "bucks"), `*` the caller's currency ("balles"),
 * `c` minor units of the caller's currency ("50 cents"), `null` a bare number.
 */
export type AmountUnit = string | null;

/** A number in the text that may be an amount. Positions index the normalised string. */
export interface AmountMention {
  start: number;
  end: number;
  /** Whole units. */
  major: number;
  /** Hundredths, 0 to 99. */
  cents: number;
  unit: AmountUnit;
}

/** Dollars that "$" and "bucks" stand for when they are the caller's own currency. */
const DOLLAR_CURRENCIES = new Set([
  'USD',
  'CAD',
  'AUD',
  'NZD',
  'HKD',
  'SGD',
  'MXN',
  'TWD',
  'JMD',
  'BSD',
]);

/** ISO 4217 currencies without minor units (ISO 4217 exponent 0). */
const ZERO_DECIMAL = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'XOF', 'XAF', 'PYG', 'UGX']);

const CODES = new Set(['usd', 'eur', 'gbp', 'cad', 'aud', 'nzd', 'chf', 'jpy', 'hkd', 'sgd']);

/** Unit words after a number, with the unit they stand for. */
const UNIT_AFTER: Record<string, string> = {
  '€': 'EUR',
  $: '$',
  '£': 'GBP',
  '¥': 'JPY',
  usd: 'USD',
  eur: 'EUR',
  euro: 'EUR',
  euros: 'EUR',
  gbp: 'GBP',
  cad: 'CAD',
  aud: 'AUD',
  nzd: 'NZD',
  chf: 'CHF',
  jpy: 'JPY',
  hkd: 'HKD',
  sgd: 'SGD',
  buck: '$',
  bucks: '$',
  dollar: '$',
  dollars: '$',
  dollaz: '$',
  piasse: '$',
  piasses: '$',
  piastre: '$',
  piastres: '$',
  balle: '*',
  boule: '*',
  boules: '*',
  balles: '*',
  quid: 'GBP',
  pound: 'GBP',
  pounds: 'GBP',
  cent: 'c',
  cents: 'c',
  centime: 'c',
  centimes: 'c',
  ct: 'c',
  cts: 'c',
  franc: 'CHF',
  francs: 'CHF',
  yen: 'JPY',
  yens: 'JPY',
  grand: '*',
};

/** Prefixed dollar signs that name their country ("us$", "c$", "au$"). */
const DOLLAR_PREFIX: Record<string, string> = {
  us: 'USD',
  c: 'CAD',
  ca: 'CAD',
  cad: 'CAD',
  a: 'AUD',
  au: 'AUD',
  nz: 'NZD',
  hk: 'HKD',
  s: 'SGD',
};

// A number: grouped thousands (1,250 / 1.250 / 1 250) with an optional 1-2 digit decimal
// part, or plain digits with one. Three digits after a single separator are read as
// thousands in every language, since nobody writes money to a tenth of a cent. The
// lookbehind skips numbers glued to words, other numbers, times, dates, phone numbers,
// scores and signs.
const NUMBER_RE =
  /(?<![\w.,:/+#-])(?:\d{1,3}(?:(?:,\d{3})+|(?:\.\d{3})+|(?: \d{3})+)(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)(?!\d)/g;
const UNIT_RE =
  /(?:€|\$|£|¥|usd|eur(?:os?)?|gbp|cad|aud|nzd|chf|jpy|hkd|sgd|bucks?|dollars?|dollaz|piasses?|piastres?|balles?|boules?|quid|pounds?|cents?|centimes?|cts?|francs?|yens?|grand)(?![a-z])/y;
/** What after a number makes it a time, a percentage, a temperature, a score, a date... */
const NOT_MONEY_AFTER_RE = /(?::\d|\s?h(?![a-z])|h\d|\s?%|\s?°|\/\d|-\d|\s?[ap]\.?m\b|x(?![a-z]))/y;

const isLetter = (c: number): boolean => c >= 97 && c <= 122;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Splits "1,250.50" / "1 250,50" / "7,5" into whole units and hundredths. */
function parseDigits(raw: string): [major: number, cents: number] | null {
  let decimals = '';
  let intPart = raw;
  // A separator followed by 1-2 digits at the very end is the decimal mark (the pattern
  // only allows groups of exactly three digits elsewhere).
  const n = raw.length;
  const sep2 = raw.charCodeAt(n - 3);
  const sep1 = raw.charCodeAt(n - 2);
  if (n >= 3 && (sep2 === 44 || sep2 === 46)) {
    decimals = raw.slice(n - 2);
    intPart = raw.slice(0, n - 3);
  } else if (n >= 2 && (sep1 === 44 || sep1 === 46)) {
    decimals = `${raw.slice(n - 1)}0`;
    intPart = raw.slice(0, n - 2);
  }
  const digits = intPart.replace(/[^\d]/g, '');
  // "06 12 34 56 78", "0612": a leading zero is a phone number or a time, not money.
  if (digits.length > 1 && digits.charCodeAt(0) === 48) return null;
  if (digits.length > 12) return null;
  return [Number(digits), decimals ? Number(decimals) : 0];
}

/** The currency written just before `start` ("$", "€ ", "usd ", "ca$"), with where it begins. */
function prefixUnit(s: string, start: number): [unit: string, at: number] | null {
  let i = start - 1;
  if (s.charCodeAt(i) === 32) i--;
  const c = s[i];
  if (c === '€') return ['EUR', i];
  if (c === '£') return ['GBP', i];
  if (c === '¥') return ['JPY', i];
  if (c === '$') {
    let j = i;
    while (j > 0 && isLetter(s.charCodeAt(j - 1)) && i - j < 3) j--;
    if (j < i && !isLetter(s.charCodeAt(j - 1))) {
      const country = DOLLAR_PREFIX[s.slice(j, i)];
      if (country) return [country, j];
    }
    return ['$', i];
  }
  if (i >= 2 && isLetter(s.charCodeAt(i)) && !isLetter(s.charCodeAt(i - 3))) {
    const code = s.slice(i - 2, i + 1);
    if (CODES.has(code)) return [code.toUpperCase(), i - 2];
  }
  return null;
}

/**
 * Every number in `s` that could be money, in order. Numbers that are clearly something
 * else (7:30, 20h, 50%, 20°, 3-1, 12/05, 20th, 06 12 34 56 78) are left out; bare numbers
 * are kept with a `null` unit, and the detector decides from the sentence whether they
 * are the amount of a debt.
 */
export function scanAmounts(s: string, out: AmountMention[]): void {
  NUMBER_RE.lastIndex = 0;
  for (let m = NUMBER_RE.exec(s); m !== null; m = NUMBER_RE.exec(s)) {
    const raw = m[0];
    let start = m.index;
    let end = start + raw.length;
    NOT_MONEY_AFTER_RE.lastIndex = end;
    if (NOT_MONEY_AFTER_RE.test(s)) continue;
    const parsed = parseDigits(raw);
    if (!parsed) continue;
    let [major, cents] = parsed;
    let unit: AmountUnit = null;
    let thousands = false;
    let p = end;
    // "2k", "2k€", "2 k€": thousands.
    if (s[p] === 'k' && !isLetter(s.charCodeAt(p + 1))) {
      thousands = true;
      p++;
    } else if (s[p] === ' ' && s[p + 1] === 'k' && '€$£'.includes(s[p + 2] ?? 'x')) {
      thousands = true;
      p += 2;
    }
    const spaced = s.charCodeAt(p) === 32;
    UNIT_RE.lastIndex = spaced ? p + 1 : p;
    const u = UNIT_RE.exec(s);
    if (u) {
      const word = u[0];
      unit = UNIT_AFTER[word] ?? null;
      p = UNIT_RE.lastIndex;
      if (word === 'grand') thousands = true;
      // "7€50": cents written after a glued symbol.
      if (
        !spaced &&
        word.length === 1 &&
        cents === 0 &&
        isDigit(s.charCodeAt(p)) &&
        isDigit(s.charCodeAt(p + 1)) &&
        !isDigit(s.charCodeAt(p + 2))
      ) {
        cents = Number(s.slice(p, p + 2));
        p += 2;
      }
    } else if (!thousands && s[p] === 'e' && !isLetter(s.charCodeAt(p + 1))) {
      // "20e" is how French chat writes 20 euros; "le 20e", "en 4e" are ordinals.
      const before = s.slice(Math.max(0, start - 4), start);
      if (/(?:^|[^a-z])(?:le|la|au|en|du|the) $/.test(before)) continue;
      unit = 'EUR';
      p++;
    } else if (!thousands && isLetter(s.charCodeAt(p))) {
      // Glued to another word: "20th", "3b", "1er", "5min".
      continue;
    }
    if (unit === null) {
      const pre = prefixUnit(s, start);
      if (pre) {
        unit = pre[0];
        start = pre[1];
      }
    }
    if (thousands) {
      major = major * 1000 + cents * 10;
      cents = 0;
    }
    end = p;
    out.push({ start, end, major, cents, unit });
    NUMBER_RE.lastIndex = end;
  }
}

/** The ISO code of a mention's unit, given the caller's currency and the message's. */
export function resolveCurrency(
  unit: AmountUnit,
  fallback: string,
  optionCurrency: string,
): string {
  if (unit === null || unit === '*' || unit === 'c') return fallback;
  if (unit === '$') return DOLLAR_CURRENCIES.has(optionCurrency) ? optionCurrency : 'USD';
  return unit;
}

/** Integer minor units of `mention` in `currency` (2 decimals, or 0 for yen and the like). */
export function toMinorUnits(mention: AmountMention, currency: string): number {
  if (mention.unit === 'c') return mention.major;
  if (ZERO_DECIMAL.has(currency)) return mention.major;
  return mention.major * 100 + mention.cents;
}
