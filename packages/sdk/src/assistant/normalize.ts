// Folds a chat message into the small alphabet the detector's lexicons are written in:
// lower case, no accents, plain spaces, and no apostrophes or hyphens inside words, so
// "J’te rembourse-moi", "jte", "Don't" and "dont" all meet the same entries.

const FOLD: Record<string, string> = {
  à: 'a',
  â: 'a',
  ä: 'a',
  á: 'a',
  ã: 'a',
  å: 'a',
  ç: 'c',
  é: 'e',
  è: 'e',
  ê: 'e',
  ë: 'e',
  í: 'i',
  ì: 'i',
  î: 'i',
  ï: 'i',
  ñ: 'n',
  ó: 'o',
  ò: 'o',
  ô: 'o',
  ö: 'o',
  õ: 'o',
  ú: 'u',
  ù: 'u',
  û: 'u',
  ü: 'u',
  ý: 'y',
  ÿ: 'y',
  œ: 'oe',
  æ: 'ae',
  // Typographic apostrophes and quotes that phones insert.
  '’': "'",
  '‘': "'",
  ʼ: "'",
  '`': "'",
  '´': "'",
  // Every kind of space (no-break, narrow no-break, thin, figure) becomes a plain one,
  // which is what the thousands-separator pattern expects.
  '\u00a0': ' ',
  '\u202f': ' ',
  '\u2009': ' ',
  '\u2007': ' ',
  '\u2026': '...',
  '\u2013': '-',
  '\u2014': '-',
};

const NON_ASCII = /[^ -~\t\n\r]/;
const FOLD_RE = /[àâäáãåçéèêëíìîïñóòôöõúùûüýÿœæ’‘ʼ`´\u00a0\u202f\u2009\u2007\u2026\u2013\u2014]/g;
const foldChar = (c: string): string => FOLD[c] ?? c;
/** "don't", "can't", "won't" keep their negation as one token: dont, cant, wont. */
const NT_RE = /n't\b/g;
/** Apostrophes split elisions (j'te, m'dois, t'as, I'll) into separate words. */
const APOS_RE = /'/g;
/** Hyphens between letters: rembourse-moi, vingt-cinq, peux-tu, e-transfer. */
const WORD_HYPHEN_RE = /([a-z])-(?=[a-z])/g;

/** "eur20", "usd15": a currency code glued to its number. */
const GLUED_CODE_RE = /\b(usd|eur|gbp|cad|aud|chf|jpy)(?=\d)/g;

/** Lower-cases and folds `text`; the result is what every later pass reads. */
export function normalize(text: string): string {
  let s = text.toLowerCase();
  if (NON_ASCII.test(s)) s = s.replace(FOLD_RE, foldChar);
  if (s.includes("'")) s = s.replace(NT_RE, 'nt').replace(APOS_RE, ' ');
  if (s.includes('-')) s = s.replace(WORD_HYPHEN_RE, '$1 ');
  return s.replace(GLUED_CODE_RE, '$1 ');
}
