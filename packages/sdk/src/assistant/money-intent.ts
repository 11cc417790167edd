// On-device money detector: finds "tu me dois 20 €" / "I'll pay you back" in a chat message
// and says which way the money should move, from the author's side. Rules over tokens
// around debt verbs (owe, pay back, send, lend, borrow, share...) in English and French:
// who is the subject, who is the object, the tense, negations, and what the object is
// (an amount, money, or a beer and a favour). Pure, synchronous, no allocation beyond a
// few small objects per message.

import { type AmountMention, resolveCurrency, scanAmounts, toMinorUnits } from './amount-parser.js';
import {
  AFTER_AMOUNT,
  ASK,
  AUX_FR,
  BEFORE_NOT_AMOUNT,
  BORROW,
  CHIP,
  CLITIC_EXTRA_FR,
  CLITIC_FR,
  CONJ,
  COPULA,
  COVER,
  DEF,
  FILLERS,
  FORGET,
  FR,
  FUSED_FR,
  GET,
  GIVE,
  HALF_WORDS,
  HANDING,
  IDIOM_HEADS,
  IDIOM_NOUNS,
  INDEF,
  ING,
  LEND,
  MONEY_WORDS,
  NEG,
  NOTHING,
  OBJ_EN,
  OWE,
  PARTITIVE,
  PAST,
  PAST_AUX_EN,
  PAY,
  PAYBACK,
  PENDING,
  POSS,
  QUESTION_WORDS,
  S3,
  SHARE_WORDS,
  SKIP_EN,
  SKIP_FR,
  SLOT_FILLERS,
  SUBJ_EN,
  SUBJ_FR,
  SUPPORT_VERBS,
  T_AS_SUBJECT_BEFORE,
  THANKS,
  TRANSFER_NOUNS,
  VERBS,
  type VerbEntry,
  XFER,
} from './lexicon.js';
import { normalize } from './normalize.js';

/** Options of {@link detectMoneyIntent}. */
export interface MoneyIntentOptions {
  /**
   * BCP 47 locale of the conversation, such as `fr-FR`. English and French are both always
   * recognised, since chats mix them; the locale is kept for future languages.
   */
  locale: string;
  /** ISO 4217 currency of the user, used when the message names none (`EUR`). */
  currency: string;
}

/** An amount in integer minor units (2050 is 20.50). */
export interface MoneyIntentAmount {
  value: number;
  currency: string;
}

/** What the message asks for, from its author's side. */
export interface MoneyIntent {
  /** `send`: the author owes or offers to pay; `request`: the author is owed or asks for money. */
  action: 'send' | 'request';
  /** The amount of the debt, when the message names one. */
  amount?: MoneyIntentAmount;
}

// Token kinds.
const WORD = 0;
const AMT = 1;
const STRONG = 2; // . ! ? ; newline: ends a sentence
const SOFT = 3; // , ( ) emoji: ends a phrase, not a sentence
const NUM = 4; // a number that is not money (7:30, 20h, 50%)

// Outcomes of one debt phrase.
const NONE = 0;
const SEND = 1;
const REQUEST = 2;
const NEGATED = 3; // a debt phrase that says there is no debt

// What follows a debt verb.
const O_EMPTY = 0;
const O_MONEY = 1;
const O_NEG = 2;
const O_IDIOM = 3; // one, a beer, an apology, la vie
const O_NOUN = 4; // some other thing: the link, your charger
const O_FOR = 5; // for the pizza
const O_DEBT = 6; // combien, anything, tomorrow

// Token buffers, reused by every call: the detector is synchronous, so calls never overlap.
const tw: string[] = [];
const tk: number[] = [];
const ta: number[] = [];
const tsent: number[] = [];
const sStart: number[] = [];
const sEnd: number[] = [];
const sQ: boolean[] = [];
const amounts: AmountMention[] = [];
let n = 0;
let nSent = 0;

const TOKEN_RE = /[a-z]+|\d+|[.!?;\n]+|\S/g;
const STRONG_CHARS = '.!?;\n';
const IGNORED_CHARS = '\'"-_*€$£¥#@&~^`|\\/<>[]{}';

const kindAt = (i: number): number => (i >= 0 && i < n ? (tk[i] ?? STRONG) : STRONG);
const wordAt = (i: number): string => (i >= 0 && i < n && tk[i] === WORD ? (tw[i] ?? '') : '');
const amountAt = (i: number): AmountMention | undefined =>
  tk[i] === AMT ? amounts[ta[i] ?? -1] : undefined;
const isExplicit = (i: number): boolean => {
  const m = amountAt(i);
  return m !== undefined && m.unit !== null;
};

function push(kind: number, word: string, amount: number): void {
  tk[n] = kind;
  tw[n] = word;
  ta[n] = amount;
  n++;
}

/** Splits normalised text into words, amounts and boundaries. */
function tokenize(s: string): void {
  n = 0;
  let ai = 0;
  let next = amounts[0];
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(s); m !== null; m = TOKEN_RE.exec(s)) {
    if (next !== undefined && m.index >= next.start) {
      push(AMT, '', ai);
      TOKEN_RE.lastIndex = next.end;
      ai++;
      next = amounts[ai];
      continue;
    }
    const t = m[0];
    const c = t.charCodeAt(0);
    if (c >= 97 && c <= 122) push(WORD, t, -1);
    else if (c >= 48 && c <= 57) push(NUM, '', -1);
    else if (STRONG_CHARS.includes(t[0] ?? '')) push(STRONG, t.includes('?') ? '?' : '.', -1);
    else if (t === ':' || t === '=') push(WORD, '=', -1);
    else if (t === '+') push(WORD, 'plus', -1);
    else if (IGNORED_CHARS.includes(t)) continue;
    else if (tk[n - 1] !== SOFT || n === 0) push(SOFT, '', -1);
  }
}

// Written-out numbers: "twenty bucks", "vingt euros", "a tenner", "cent balles".
const NUMBER_WORDS: ReadonlyMap<string, number> = new Map([
  ['zero', 0],
  ['one', 1],
  ['two', 2],
  ['three', 3],
  ['four', 4],
  ['five', 5],
  ['six', 6],
  ['seven', 7],
  ['eight', 8],
  ['nine', 9],
  ['ten', 10],
  ['eleven', 11],
  ['twelve', 12],
  ['thirteen', 13],
  ['fourteen', 14],
  ['fifteen', 15],
  ['sixteen', 16],
  ['seventeen', 17],
  ['eighteen', 18],
  ['nineteen', 19],
  ['twenty', 20],
  ['thirty', 30],
  ['forty', 40],
  ['fourty', 40],
  ['fifty', 50],
  ['sixty', 60],
  ['seventy', 70],
  ['eighty', 80],
  ['ninety', 90],
  ['hundred', 100],
  ['thousand', 1000],
  ['un', 1],
  ['une', 1],
  ['deux', 2],
  ['trois', 3],
  ['quatre', 4],
  ['cinq', 5],
  ['sept', 7],
  ['huit', 8],
  ['neuf', 9],
  ['dix', 10],
  ['onze', 11],
  ['douze', 12],
  ['treize', 13],
  ['quatorze', 14],
  ['quinze', 15],
  ['seize', 16],
  ['vingt', 20],
  ['vingts', 20],
  ['trente', 30],
  ['quarante', 40],
  ['cinquante', 50],
  ['soixante', 60],
  ['cent', 100],
  ['cents', 100],
  ['mille', 1000],
]);
/** Unit words after a written number, and what one of them is worth. */
const WORD_UNITS: ReadonlyMap<string, readonly [unit: string, worth: number]> = new Map([
  ['buck', ['$', 1]],
  ['bucks', ['$', 1]],
  ['dollar', ['$', 1]],
  ['dollars', ['$', 1]],
  ['euro', ['EUR', 1]],
  ['euros', ['EUR', 1]],
  ['balle', ['*', 1]],
  ['balles', ['*', 1]],
  ['boules', ['*', 1]],
  ['piasses', ['$', 1]],
  ['quid', ['GBP', 1]],
  ['pound', ['GBP', 1]],
  ['pounds', ['GBP', 1]],
  ['grand', ['*', 1000]],
  ['tenner', ['*', 10]],
  ['fiver', ['*', 5]],
]);

const ENGLISH_NUMBER =
  /^(?:one|two|three|four|five|six|seven|eight|nine|ten|[a-z]+teen|[a-z]+ty|hundred)$/;

/** The written amount starting at token `i`, and how many tokens it spans. */
function wordAmountAt(i: number): [span: number, mention: AmountMention] | null {
  const first = tw[i] ?? '';
  let j = i;
  const article = first === 'a' || first === 'an';
  if (article) j++;
  else if (!NUMBER_WORDS.has(first)) return null;
  let total = 0;
  let cur = 0;
  let count = 0;
  let prev = -1;
  while (j < n && tk[j] === WORD) {
    const w = tw[j] ?? '';
    const v = NUMBER_WORDS.get(w);
    if (v === undefined) {
      if ((w === 'and' || w === 'et') && count > 0 && NUMBER_WORDS.has(wordAt(j + 1))) {
        j++;
        continue;
      }
      break;
    }
    if (v === 100) cur = (cur || 1) * 100;
    else if (v === 1000) {
      total += (cur || 1) * 1000;
      cur = 0;
    } else if (v === 20 && prev === 4 && cur % 100 === 4)
      cur += 76; // quatre-vingt(s)
    else cur += v;
    prev = v;
    count++;
    j++;
  }
  const value = total + cur;
  const unit = WORD_UNITS.get(wordAt(j));
  if (unit) {
    if (count === 0 && !article) return null;
    if (unit[1] === 1000 && !article && !ENGLISH_NUMBER.test(first)) return null;
    const major = (count === 0 ? 1 : value) * unit[1];
    return [j + 1 - i, { start: -1, end: -1, major, cents: 0, unit: unit[0] }];
  }
  // A bare written number is only kept from two up ("one" is "I owe you one").
  if (article || count === 0 || value < 2 || value > 100000) return null;
  return [j - i, { start: -1, end: -1, major: value, cents: 0, unit: null }];
}

/** Folds written-out amounts into amount tokens. */
function mergeWordAmounts(): void {
  let out = 0;
  for (let i = 0; i < n; ) {
    const found = tk[i] === WORD ? wordAmountAt(i) : null;
    if (found) {
      amounts.push(found[1]);
      tk[out] = AMT;
      tw[out] = '';
      ta[out] = amounts.length - 1;
      out++;
      i += found[0];
      continue;
    }
    tk[out] = tk[i] ?? SOFT;
    tw[out] = tw[i] ?? '';
    ta[out] = ta[i] ?? -1;
    out++;
    i++;
  }
  n = out;
}

function splitSentences(): void {
  let cur = 0;
  sStart[0] = 0;
  for (let i = 0; i < n; i++) {
    tsent[i] = cur;
    if (tk[i] === STRONG) {
      sEnd[cur] = i;
      sQ[cur] = tw[i] === '?';
      cur++;
      sStart[cur] = i + 1;
    }
  }
  sEnd[cur] = n;
  sQ[cur] = false;
  nSent = cur + 1;
}

/** End of the phrase a verb governs: its sentence, or the next one when it goes on with "and". */
function windowEnd(sent: number): number {
  const end = sEnd[sent] ?? n;
  if (sent + 1 < nSent) {
    const w = wordAt(sStart[sent + 1] ?? n);
    if (w === 'and' || w === 'et' || w === 'plus' || w === 'also' || w === 'aussi') {
      return sEnd[sent + 1] ?? n;
    }
  }
  return end;
}

/** Whether a bare number at `i` may be money judging by the word after it ("20 for", not "20 people"). */
function amountEndsWell(i: number): boolean {
  const k = kindAt(i + 1);
  if (k !== WORD) return true;
  const w = tw[i + 1] ?? '';
  if (AFTER_AMOUNT.has(w) || MONEY_WORDS.has(w) || w === '=') return true;
  // "2 beers", "3 cafés", "20 people", "5 min": a count of something that is not money.
  const last = w.charCodeAt(w.length - 1);
  return !(last === 115 || last === 120 || COUNT_NOUNS.has(w));
}

/** Singular nouns that a number counts: "1 beer", "20 min", "5 km". */
const COUNT_NOUNS = new Set([
  'min',
  'minute',
  'mn',
  'sec',
  'seconde',
  'second',
  'hour',
  'heure',
  'hr',
  'day',
  'jour',
  'week',
  'semaine',
  'month',
  'mois',
  'year',
  'an',
  'km',
  'kg',
  'mile',
  'people',
  'person',
  'personne',
  'gens',
  'beer',
  'biere',
  'coffee',
  'cafe',
  'drink',
  'verre',
  'pic',
  'photo',
  'file',
  'fichier',
  'ticket',
  'place',
  'billet',
  'time',
  'fois',
  'point',
  'pt',
  'slice',
  'part',
  'piece',
  'item',
  'page',
  'message',
  'msg',
  'kilo',
  'litre',
  'liter',
  'degree',
  'degre',
  'percent',
  'pourcent',
  'am',
  'pm',
  'more',
  'other',
  'extra',
  'autre',
]);

interface ObjectInfo {
  cls: number;
  /** A definite thing: "le ciné", "the tickets". */
  definite: boolean;
  /** "ça", "that": a debt for a paying verb ("je te vire ça"), gratitude for "owe". */
  pronoun: boolean;
  /** Whose thing it is: "your ticket" is 2, "ma part" 1. */
  owner: number;
  /** A possessed share: "ta part", "my share". */
  share: boolean;
}
const objectInfo: ObjectInfo = {
  cls: O_EMPTY,
  definite: false,
  pronoun: false,
  owner: 0,
  share: false,
};

const OBJECT_SKIP = new Set([
  'still',
  'encore',
  'toujours',
  'again',
  'already',
  'deja',
  'back',
  'bk',
  'like',
  'about',
  'around',
  'environ',
  'genre',
  'juste',
  'just',
  'only',
  'que',
  'seulement',
  'me',
  'you',
  'u',
  'ya',
  'moi',
  'toi',
  'guys',
  'all',
  'both',
  'over',
  'it',
  'totally',
  'def',
  'prob',
  'probably',
]);

/** Nouns of time after "ce", "the", "la": "je te fais le virement ce soir". */
const TIME_WORDS = new Set([
  'soir',
  'matin',
  'midi',
  'aprem',
  'apres',
  'week',
  'weekend',
  'semaine',
  'mois',
  'moment',
  'jour',
  'journee',
  'fin',
  'end',
  'morning',
  'evening',
  'night',
  'afternoon',
  'month',
  'year',
  'annee',
  'heure',
  'hour',
  'lundi',
  'mardi',
  'mercredi',
  'jeudi',
  'vendredi',
  'samedi',
  'dimanche',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
  'first',
  'next',
  'prochain',
  'prochaine',
]);

const PRONOUN_PERSON: ReadonlyMap<string, number> = new Map([
  ['me', 1],
  ['moi', 1],
  ['us', 1],
  ['nous', 1],
  ['you', 2],
  ['u', 2],
  ['toi', 2],
  ['vous', 2],
  ['ya', 2],
]);

/** Classifies what the debt verb is about, starting at token `ws`. */
function classifyObject(ws: number, we: number, french: boolean): ObjectInfo {
  const o = objectInfo;
  o.cls = O_EMPTY;
  o.definite = false;
  o.pronoun = false;
  o.owner = 0;
  o.share = false;
  let k = ws;
  while (k < we && tk[k] === WORD && OBJECT_SKIP.has(tw[k] ?? '')) k++;
  if (k >= we) return o;
  const kind = tk[k];
  if (kind === AMT) {
    o.cls = O_MONEY;
    return o;
  }
  if (kind !== WORD) {
    o.cls = kind === NUM ? O_DEBT : O_EMPTY;
    return o;
  }
  const w = tw[k] ?? '';
  const next = wordAt(k + 1);
  const nextIsMoney =
    kindAt(k + 1) === AMT || MONEY_WORDS.has(next) || SHARE_WORDS.has(next) || next === 'quid';
  if (NOTHING.has(w) && !(w === 'plus' && (next === 'tard' || next === 'tot'))) {
    // "tu me dois plus 5 €" adds; "tu me dois plus rien", "you owe me nothing" cancel;
    // "je te rembourse plus tard" is later.
    o.cls = w === 'plus' && kindAt(k + 1) === AMT ? O_MONEY : O_NEG;
    return o;
  }
  if (MONEY_WORDS.has(w) || (SHARE_WORDS.has(w) && w !== 'part')) {
    o.cls = O_MONEY;
    return o;
  }
  if (w === 'quelque' || w === 'qqch' || w === 'something' || w === 'anything') {
    o.cls = O_DEBT;
    return o;
  }
  // "à 20h", "à la fin du mois" (French "à" folds to "a"), "a 7:30".
  if (w === 'a' && (french || kindAt(k + 1) === NUM)) {
    o.cls = O_DEBT;
    return o;
  }
  if (INDEF.has(w)) {
    if (nextIsMoney) o.cls = O_MONEY;
    else if (w === 'some' || next === 'few')
      o.cls = O_DEBT; // "I owe you some", "a few"
    else o.cls = O_IDIOM; // a beer, an apology, une fière chandelle
    return o;
  }
  if (PARTITIVE.has(w)) {
    let j = k + 1;
    if (wordAt(j) === 'la' || wordAt(j) === 'l') j++;
    if (kindAt(j) === AMT || MONEY_WORDS.has(wordAt(j))) o.cls = O_MONEY;
    else if (wordAt(j) === 'que' || wordAt(j) === 'qu')
      o.cls = O_DEBT; // "dès que"
    else o.cls = O_IDIOM; // des explications, de la conv, d'avoir eu mon bac
    return o;
  }
  const owner = POSS.get(w);
  if (owner !== undefined) {
    o.owner = owner;
    o.share = SHARE_WORDS.has(next);
    o.cls = nextIsMoney ? O_MONEY : O_NOUN;
    return o;
  }
  if (DEF.has(w)) {
    if (IDIOM_NOUNS.has(next)) o.cls = O_IDIOM;
    else if (TIME_WORDS.has(next))
      o.cls = O_DEBT; // "ce soir", "the weekend", "la semaine pro"
    else if (nextIsMoney) o.cls = O_MONEY;
    else if (next === 'que' || next === 'qu') o.cls = O_DEBT;
    else {
      o.cls = O_NOUN;
      o.definite = true;
    }
    return o;
  }
  if (IDIOM_HEADS.has(w) && !(w === 'tout' && (next === 'de' || next === 'a'))) {
    // ("tout de suite", "tout à l'heure" are times, "je te dois tout" is gratitude.)
    o.cls = O_IDIOM;
    o.pronoun = w === 'ca' || w === 'cela' || w === 'that';
    return o;
  }
  if (w === 'for' || w === 'pour') {
    o.cls = O_FOR;
    o.owner = PRONOUN_PERSON.get(next) ?? POSS.get(next) ?? 0;
    return o;
  }
  o.cls = O_DEBT;
  return o;
}

interface AmountFound {
  tok: number;
  half: boolean;
  /** The amount comes after "and": "I owe you one! and $10 for the cab". */
  afterConj: boolean;
  /** The first thing after the verb is a count of something else: "2 beers". */
  count: boolean;
}
/** After "half", these say the amount is the half itself: "my half is 20", "ta moitié c'est 15 €". */
const IS_HALF = new Set(['is', 'was', 's', '=', 'est', 'etait', 'fait', 'soit']);
const amountFound: AmountFound = { tok: -1, half: false, afterConj: false, count: false };

/** The amount a debt verb governs, in its window [ws, we). */
function findAmount(ws: number, we: number): AmountFound {
  const r = amountFound;
  r.tok = -1;
  r.half = false;
  r.afterConj = false;
  r.count = false;
  let content = false;
  let soft = false;
  for (let k = ws; k < we; k++) {
    const kind = tk[k];
    if (kind === SOFT) {
      soft = true;
      // "ta moitié, 25 €": the amount is the half itself.
      r.half = false;
      continue;
    }
    if (kind === WORD) {
      const w = tw[k] ?? '';
      if (HALF_WORDS.has(w)) r.half = true;
      else if (IS_HALF.has(w)) r.half = false;
      if (CONJ.has(w) || w === 'plus') r.afterConj = true;
      // ("half of the 80" still has its number where the object goes.)
      if (!SLOT_FILLERS.has(w) && !(r.half && (w === 'half' || w === 'moitie'))) content = true;
      continue;
    }
    if (kind !== AMT) {
      content = true;
      continue;
    }
    if (isExplicit(k)) {
      r.tok = k;
      return r;
    }
    // A bare number is money only right where the object goes: "owe me 35", "send me 20".
    const before = k - 1 >= ws ? wordAt(k - 1) : '';
    if (!soft && !content && !BEFORE_NOT_AMOUNT.has(before)) {
      if (amountEndsWell(k)) {
        r.tok = k;
        return r;
      }
      r.count = true;
    }
    content = true;
  }
  return r;
}

/** Verbs whose negation is the clause's: "I don't think I owe you", "I won't ask you to pay me back". */
const NEG_RAISING = new Set([
  'think',
  'believe',
  'guess',
  'ask',
  'asking',
  'want',
  'expect',
  'need',
  'crois',
  'pense',
]);

const UNTIL = new Set(['until', 'till', 'til', 'before', 'avant', 'jusqu']);

/** Words after "to" / "à" that are not a recipient: times, verbs ("to cover the gas"). */
const NOT_RECIPIENT = new Set([
  'demain',
  'plus',
  'midi',
  'minuit',
  'partir',
  'nouveau',
  'temps',
  'peu',
  'be',
  'get',
  'see',
  'buy',
  'help',
  'make',
  'use',
  'spend',
  'cover',
  'split',
  'settle',
]);

/** Whether the word at `k`, after "to" or "à", names someone who receives the money. */
function isRecipient(k: number): boolean {
  if (tk[k] !== WORD) return false;
  const w = tw[k] ?? '';
  if (NOT_RECIPIENT.has(w) || TIME_WORDS.has(w) || VERBS.has(w)) return false;
  if (w === 'la' || w === 'l' || w === 'the')
    return !TIME_WORDS.has(wordAt(k + 1)) && wordAt(k + 1) !== 'heure';
  return true;
}

/** "paid you back on venmo", "via paypal", "sur lydia": the app, not the verb. */
const NOUN_PREPOSITIONS = new Set([
  'on',
  'via',
  'sur',
  'par',
  'with',
  'avec',
  'through',
  'using',
  'thru',
]);

const PP_RE = /(?:e|es|ee|ees|u|us|ue|i|is|it)$/;

interface Hit {
  action: number;
  amount: number;
  half: boolean;
  /** May take an amount said elsewhere in the message ("I owe you for dinner. $32."). */
  fallback: boolean;
  at: number;
  subj: number;
}

function hit(action: number, at: number, subj = 0): Hit {
  return { action, amount: -1, half: false, fallback: false, at, subj };
}

/**
 * One debt verb at token `i`. `coreEnd` overrides where its object starts (after the noun
 * of "faire un virement"); `prevSubj` is the subject of the verb before, for "... and pay".
 */
function verbHit(i: number, entry: VerbEntry, coreEnd: number, prevSubj: number): Hit {
  let cls = entry[0];
  const form = entry[1];
  // After a determiner the word is a noun: "your venmo", "mon prêt", "the transfer".
  const det = wordAt(i - 1);
  // ...but "tu me les dois", "je te la rembourse": French object pronouns, not articles.
  const frenchPronoun =
    form === FR &&
    CLITIC_EXTRA_FR.has(det) &&
    (CLITIC_FR.has(wordAt(i - 2)) || SUBJ_FR.has(wordAt(i - 2)) || FUSED_FR.has(wordAt(i - 2)));
  if (
    coreEnd === 0 &&
    ((POSS.has(det) && det !== 'ur') ||
      (DEF.has(det) && !frenchPronoun) ||
      (NOUN_PREPOSITIONS.has(det) && cls === XFER) ||
      (INDEF.has(det) && (det !== 'a' || form !== FR)))
  )
    return hit(NONE, i);
  const french = form === FR || (form === S3 && (tw[i] ?? '').startsWith('d'));
  const sent = tsent[i] ?? 0;
  const s0 = sStart[sent] ?? 0;
  const we = windowEnd(sent);
  const question = sQ[sent] === true;

  let subj = 0;
  let subjAt = -1;
  let obj = 0;
  let neg = false;
  let past = form === PAST;
  let forget = false;
  let unknownSubj = false;
  let conj = false;
  let auxQuestion = false;
  let back = false;
  let up = false;
  let modal = false;
  let end = i + 1;
  // Where the words before the verb stop when no subject does: "30 balles | à me prêter".
  let stop = s0 - 1;
  // The object is a pronoun ("je te les rends", "send it"): its amount may come before.
  let pronObj = false;

  if (french) {
    // Backwards: [subject] [ne] [clitic me/te] [le/la/les/en] [aux] [pas] VERB.
    let objFound = false;
    const pp = PP_RE.test(tw[i] ?? '');
    for (let k = i - 1; k >= s0; k--) {
      if (tk[k] !== WORD) {
        stop = k;
        break;
      }
      const w = tw[k] ?? '';
      if (!objFound) {
        const fused = FUSED_FR.get(w);
        if (fused) {
          subj = fused[0];
          obj = fused[1];
          subjAt = k;
          break;
        }
        const clitic = CLITIC_FR.get(w);
        if (clitic !== undefined) {
          if (w === 't' && T_AS_SUBJECT_BEFORE.has(wordAt(k + 1))) {
            subj = 2;
            subjAt = k;
            break;
          }
          obj = clitic;
          objFound = true;
          continue;
        }
        if (AUX_FR.has(w)) {
          if (pp) past = true;
          continue;
        }
        if (CLITIC_EXTRA_FR.has(w)) {
          if (w !== 'en' && w !== 'y') pronObj = true;
          continue;
        }
      }
      if (w === 't') {
        subj = 2;
        subjAt = k;
        break;
      }
      const sv = SUBJ_FR.get(w);
      if (
        sv !== undefined &&
        !(objFound === false && (w === 'nous' || w === 'vous' || w === 'vs'))
      ) {
        subj = sv;
        subjAt = k;
        // "g payé ta place" (j'ai payé); in "g oublié de te rendre" it is another verb's.
        if (pp && !objFound && (w === 'jai' || w === 'g')) past = true;
        break;
      }
      if (w === 'on') {
        subj = obj === 2 ? 1 : 3;
        subjAt = k;
        break;
      }
      if (w === 'qui') {
        subj = PRONOUN_PERSON.get(wordAt(k - 1)) ?? 3;
        subjAt = k;
        break;
      }
      if (w === 'moi' && wordAt(k - 1).startsWith('laiss')) {
        subj = 1;
        subjAt = k;
        break;
      }
      // "c'est à toi de me rembourser", "à moi de te rembourser".
      if ((w === 'toi' || w === 'moi') && wordAt(k + 1) === 'de') {
        subj = w === 'toi' ? 2 : 1;
        subjAt = k;
        break;
      }
      if (NEG.has(w)) {
        neg = true;
        continue;
      }
      if (FORGET.has(w)) {
        forget = true;
        continue;
      }
      if ((w === 'de' || w === 'd' || w === 'pour') && THANKS.has(wordAt(k - 1))) {
        subj = 2;
        past = true;
        subjAt = k;
        break;
      }
      if (AUX_FR.has(w) || SKIP_FR.has(w) || PENDING.has(w)) continue;
      stop = k;
      if (CONJ.has(w)) conj = true;
      else if (!FILLERS.has(w) && !THANKS.has(w)) unknownSubj = true;
      else if (POSS.has(wordAt(k - 1)) || DEF.has(wordAt(k - 1))) unknownSubj = true;
      if (unknownSubj && obj !== 0 && INFINITIVE_RE.test(tw[i] ?? '')) {
        // "jsuis à la bourre pour te rembourser": an infinitive's subject is the clause's.
        const at = clauseSubject(k, s0);
        if (at >= 0) {
          subj = SUBJ_FR.get(tw[at] ?? '') ?? 0;
          subjAt = at;
          unknownSubj = false;
        }
      }
      break;
    }
    // Imperative: "rembourse-moi", "envoie-moi les 25 €".
    const after = wordAt(i + 1);
    if (after === 'moi' || (after === 'nous' && obj === 0)) {
      if (obj === 0) obj = 1;
      end = i + 2;
    }
  } else {
    // English: [subject] [aux/adverbs] VERB [object] [back].
    for (let k = i - 1; k >= s0; k--) {
      if (tk[k] !== WORD) {
        stop = k;
        break;
      }
      const w = tw[k] ?? '';
      const sv = SUBJ_EN.get(w);
      if (sv !== undefined) {
        subj = sv;
        subjAt = k;
        const before = wordAt(k - 1);
        if (before === 'did' || before === 'have' || before === 'has') {
          past = true;
          auxQuestion = true;
        }
        // "I don't think I owe you anything": the negation of "think" is the debt's.
        if (NEG_RAISING.has(before) && (NEG.has(wordAt(k - 2)) || NEG.has(wordAt(k - 3))))
          neg = true;
        break;
      }
      // "let me pay you", "do you want me to pay you now?"
      if (w === 'me' && (wordAt(k - 1) === 'let' || wordAt(k + 1) === 'to')) {
        subj = 1;
        subjAt = k;
        break;
      }
      if (w === 'for' && THANKS.has(wordAt(k - 1))) {
        subj = 2;
        past = true;
        subjAt = k;
        break;
      }
      if (NEG.has(w)) {
        neg = true;
        if (PAST_AUX_EN.has(w)) past = true;
        continue;
      }
      if (FORGET.has(w)) {
        forget = true;
        continue;
      }
      if (PAST_AUX_EN.has(w)) {
        const nx = wordAt(k + 1);
        if (nx !== 'to' && nx !== 'got') past = true;
        else modal = true; // "didn't have to pay me back" is not a payment left undone
        continue;
      }
      if (w === 'need' || w === 'needs' || w === 'needed') modal = true;
      if (SKIP_EN.has(w) || PENDING.has(w)) continue;
      stop = k;
      if (CONJ.has(w)) conj = true;
      else if (!FILLERS.has(w) && !THANKS.has(w)) unknownSubj = true;
      else if (POSS.has(wordAt(k - 1)) || DEF.has(wordAt(k - 1))) unknownSubj = true;
      break;
    }
    let k = i + 1;
    if (tw[i] === 'gimme') obj = 1;
    for (let steps = 0; steps < 4 && k < we && tk[k] === WORD; steps++) {
      const w = tw[k] ?? '';
      const ov = OBJ_EN.get(w);
      if (ov !== undefined && obj === 0) {
        obj = ov;
        k++;
        while (wordAt(k) === 'guys' || wordAt(k) === 'all' || wordAt(k) === 'both') k++;
        continue;
      }
      if (w === 'back' || w === 'bk' || w === 'bak') back = true;
      else if (w === 'up' && cls === PAY) up = true;
      else if ((w === 'to' || w === 'from') && obj === 0 && OBJ_EN.has(wordAt(k + 1))) {
        obj = OBJ_EN.get(wordAt(k + 1)) ?? 0;
        k++;
      } else if (w === 'it') pronObj = true;
      else if (!(w === 'over' || (w === 'in' && cls === CHIP))) break;
      k++;
    }
    end = k;
    if (tw[i]?.startsWith('settl')) {
      // "I'll settle up with you": only with the other person named.
      if (wordAt(i + 1) !== 'up') return hit(NONE, i);
      const with_ = wordAt(i + 2) === 'with' ? (OBJ_EN.get(wordAt(i + 3)) ?? 0) : 0;
      if (with_ === 0) return hit(NONE, i);
      obj = with_;
      end = i + 4;
    }
    if (cls === PAY && (back || up)) cls = PAYBACK;
    if (cls === GET && back) {
      // "I'll get you back for lunch" repays; "I'll get you back for this" is revenge.
      const f = wordAt(end) === 'for' ? wordAt(end + 1) : '';
      if (f === 'this' || f === 'that' || f === 'it') return hit(NONE, i);
      cls = PAYBACK;
    }
    if (cls === CHIP && wordAt(i + 1) !== 'in') return hit(NONE, i);
  }
  if (coreEnd > end) end = coreEnd;
  // "tu m'as remboursé les 15 € ?" asks, like "did you pay me back?", whether it is still due
  // (but in "je t'ai envoyé les 15 €, tu les as reçus ?" the question is another clause's).
  if (french && past && question && !newClauseBefore(i, sEnd[sent] ?? n)) auxQuestion = true;
  // "tu me dois pas 20 € ?", "je te dois pas genre 100 balles ?": asking to confirm, not denying.
  if (french && question && wordAt(end) === 'pas' && amountFollows(end + 1, we)) {
    neg = false;
    end++;
  }

  // Is the debt still open despite a negation? "haven't paid you back yet", "toujours pas".
  let pending = false;
  if (neg || past) {
    for (let k = s0; k < we; k++) {
      const w = wordAt(k);
      if (w === 'yet' || (w === 'encore' && wordAt(k - 1) === 'pas')) pending = true;
      else if ((w === 'toujours' || w === 'still') && neg) pending = true;
    }
    if (!neg) pending = false;
    const transfer = cls === PAYBACK || cls === PAY || cls === GIVE || cls === XFER;
    // A transfer that did not happen is a debt still open: "you never paid me back".
    if (neg && past && !modal && transfer) pending = true;
    // "can't pay you back till friday" still promises to pay.
    if (neg && transfer) {
      for (let k = i + 1; k < we; k++) if (UNTIL.has(wordAt(k))) pending = true;
    }
  }
  if (forget) neg = false;

  const info = classifyObject(end, we, french);
  const ocls = info.cls;
  if (info.owner === 0 && (cls === PAY || cls === COVER)) {
    // "I paid 30 bucks for you", "j'ai avancé 30 € pour toi": whom it was paid for.
    for (let k = end; k < we && k < end + 6; k++) {
      const w = wordAt(k);
      if (w !== 'for' && w !== 'pour') continue;
      const next = wordAt(k + 1);
      info.owner = PRONOUN_PERSON.get(next) ?? POSS.get(next) ?? 0;
      break;
    }
  }
  const found = findAmount(end, we);
  let amountTok = found.tok;
  // Money moved by a verb with no amount of its own may point back to one: "les 20 € je te
  // les rends", "the 20 you lent me", "t'as 30 balles à me prêter ?", "25 each, send it".
  if (amountTok < 0 && (ocls === O_EMPTY || ocls === O_DEBT) && cls !== OWE)
    amountTok = antecedentAmount(subjAt >= 0 ? subjAt - 1 : stop, pronObj);

  // Borrowing "from you", sending "to me" after the amount; "to mom", "à Paul" is someone else.
  if (obj === 0 && cls !== OWE) {
    for (let k = end; k < we; k++) {
      const w = wordAt(k);
      // ("a" is French "à" only after a French verb; in English it is the article.)
      if (w !== 'from' && w !== 'to' && !(w === 'a' && french)) continue;
      const next = wordAt(k + 1);
      const person = PRONOUN_PERSON.get(next);
      if (person !== undefined) {
        obj = person;
        break;
      }
      // (Asking "from" someone else is someone else's debt too.)
      if ((w !== 'from' || cls === ASK) && next !== '' && isRecipient(k + 1)) return hit(NONE, i);
    }
  }

  if (neg && !(pending && cls !== OWE)) return hit(NEGATED, i);
  if (ocls === O_NEG) return hit(NEGATED, i);
  if (pending) past = false;

  // Who is the subject when no pronoun says so.
  let imperative = false;
  if (subj === 0) {
    if (unknownSubj && (french || form === S3 || form === PAST)) return hit(NONE, i);
    if (form === S3 && !french) return hit(NONE, i);
    if (conj && prevSubj !== 0) subj = prevSubj;
    else if (obj === 1 || obj === 2) subj = 3 - obj;
    else if (form === ING || form === PAST) subj = 1;
    else {
      subj = 2; // imperative: "pay me back", "send over the 60"
      imperative = true;
    }
  }
  if (subj === 3 || obj === 3) return hit(NONE, i, subj);
  const explicitObj = obj !== 0;
  if (obj === 0) obj = 3 - subj;
  if (subj === obj) return hit(NONE, i, subj);
  // "je te règle ça demain" settles a debt; "je règle l'addition" pays a bill.
  if (!explicitObj && (tw[i] ?? '').startsWith('regl')) return hit(NONE, i, subj);
  if (!french && !explicitObj) {
    // "front row seats for $90": an imperative moving money has the money or a person next.
    if (imperative && ocls === O_DEBT && !pronObj && MONEY_OBJECT_VERBS.has(cls))
      return hit(NONE, i, subj);
    // "I spotted 3 deer": a lender needs a borrower, unless the sum says it is money.
    if ((cls === LEND || cls === COVER) && amountTok >= 0 && !isExplicit(amountTok))
      return hit(NONE, i, subj);
    // "I need to pay back 300 on my credit card": the author's own debt to someone else.
    if (cls === PAYBACK || cls === PAY) {
      for (let k = end; k < we; k++)
        if (wordAt(k) === 'on' && POSS.get(wordAt(k + 1)) === 1) return hit(NONE, i, subj);
    }
  }

  const hasAmount = amountTok >= 0;
  const giver = subj === 1 ? SEND : REQUEST;
  const receiver = subj === 1 ? REQUEST : SEND;
  const moneyObject =
    ocls === O_MONEY || (hasAmount && (ocls === O_EMPTY || ocls === O_DEBT || ocls === O_FOR));
  const idiomObject = ocls === O_IDIOM || ocls === O_NOUN || found.count;
  let action = NONE;
  let fallback = true;

  switch (cls) {
    case OWE: {
      if (!explicitObj) {
        // "combien je dois ?", "how much do I owe?" ask what the author owes.
        let asks = question;
        for (let k = s0; k < we && !asks; k++) asks = QUESTION_WORDS.has(wordAt(k));
        if (subj !== 1 || !asks) return hit(NONE, i, subj);
      }
      // "I owe it to you (to be honest)", "je te le dois": an obligation, not money.
      if (!french && wordAt(i + 1) === 'it' && !hasAmount) return hit(NONE, i, subj);
      if (idiomObject && ocls !== O_FOR) {
        // "tu me dois une bière" is not money; "une bière et 10 €" is, for the 10 €.
        if (!(hasAmount && found.afterConj)) return hit(NONE, i, subj);
        fallback = false;
      }
      action = subj === 1 ? SEND : REQUEST;
      break;
    }
    case PAYBACK:
    case XFER: {
      if ((ocls === O_IDIOM && !info.pronoun) || found.count) return hit(NONE, i, subj);
      if (ocls === O_NOUN && (cls === XFER || !explicitObj) && !info.share)
        return hit(NONE, i, subj);
      if (past && !(auxQuestion && question)) return hit(NONE, i, subj);
      action = giver;
      break;
    }
    case PAY: {
      if (explicitObj && past && ocls === O_NOUN && info.owner === obj) {
        // "je t'ai payé ton billet, 47,80 €": the one paid for owes (without a sum, a treat).
        if (!hasAmount && !hasAmountInSentence(sent)) return hit(NONE, i, subj);
        action = receiver;
      } else if (explicitObj) {
        if ((idiomObject && !info.share) || ocls === O_NOUN) return hit(NONE, i, subj);
        if (past && !(auxQuestion && question)) return hit(NONE, i, subj);
        action = giver;
      } else if (info.share && info.owner === subj && !past) {
        action = giver; // "je te paie ma part", "t'as toujours pas payé ta part"
      } else if (past && info.owner !== 0 && info.owner !== subj) {
        action = receiver; // "j'ai payé ta place": the one paid for owes
      } else return hit(NONE, i, subj);
      break;
    }
    case GIVE:
    case GET:
    case CHIP: {
      if (cls === GET && !explicitObj) return hit(NONE, i, subj);
      // "I'll send you a venmo request", "je t'envoie une demande lydia": asking, not paying.
      const req = cls === GIVE ? sentRequest(end, we) : -1;
      if (req >= 0) {
        action = receiver;
        if (amountTok < 0) amountTok = requestAmount(req, we);
        break;
      }
      if (!moneyObject || found.count) return hit(NONE, i, subj);
      if (past && !(auxQuestion && question)) return hit(NONE, i, subj);
      action = giver;
      break;
    }
    case LEND:
    case COVER: {
      if (cls === COVER && past && !explicitObj && info.owner !== 0 && info.owner !== subj) {
        // "I covered your ticket, it was $12": paid for them, so they owe.
        if (!hasAmount && !hasAmountInSentence(sent)) return hit(NONE, i, subj);
        action = receiver;
        break;
      }
      // "tu peux m'avancer le ciné ?": advancing a known expense is advancing money (but
      // "j'ai avancé le rdv" moves a date).
      const advanced = info.definite && explicitObj && (tw[i] ?? '').startsWith('avanc');
      if ((!moneyObject && !advanced && !asksHowMuch(s0, we)) || found.count)
        return hit(NONE, i, subj);
      action = past ? receiver : giver;
      break;
    }
    case ASK: {
      // "I requested $25 on venmo", "I'll request you on venmo": the subject asks for money,
      // done or not. Not "request sent", nor an imperative: too often a noun or someone else.
      if (subjAt < 0 && form !== PAST && form !== ING) return hit(NONE, i, subj);
      let app = false;
      for (let k = end; k < we && !app; k++) app = APPS.has(wordAt(k));
      if ((!moneyObject && !(explicitObj && app)) || found.count) return hit(NONE, i, subj);
      action = receiver;
      break;
    }
    case BORROW: {
      if ((!moneyObject && !asksHowMuch(s0, we)) || found.count) return hit(NONE, i, subj);
      action = past ? giver : receiver;
      break;
    }
    default:
      return hit(NONE, i, subj);
  }

  // "thanks, I owe you!" is gratitude, not a debt.
  if (cls === OWE && ocls === O_EMPTY && !hasAmount && !question && amounts.length === 0) {
    for (let k = 0; k < n; k++) if (THANKS.has(wordAt(k))) return hit(NONE, i, subj);
  }

  const h = hit(action, i, subj);
  if (amountTok < 0) amountTok = preVerbAmount(subjAt >= 0 ? subjAt : i, s0);
  h.amount = amountTok;
  h.half = found.half;
  h.fallback = fallback && ocls !== O_IDIOM;
  return h;
}

/** Verbs that move money only when their object is money: "send the pics" is not. */
const MONEY_OBJECT_VERBS = new Set([GIVE, LEND, BORROW, COVER, GET, CHIP]);

/** Infinitives of French verbs: "rembourser", "rendre". */
const INFINITIVE_RE = /(?:er|re|ir)$/;

/** The subject pronoun of the clause an infinitive hangs on, searching back from `k`, or -1. */
function clauseSubject(k: number, s0: number): number {
  for (let j = k - 1; j >= s0 && j >= k - 8; j--) {
    const w = wordAt(j);
    // Another clitic ("je lui ai demandé de te rembourser") puts someone else in between.
    if (w === '' || CONJ.has(w) || CLITIC_FR.has(w)) return -1;
    if (SUBJ_FR.has(w)) return j;
  }
  return -1;
}

/** Whether a new clause with its own subject starts between the verb at `i` and `end`. */
function newClauseBefore(i: number, end: number): boolean {
  for (let k = i + 1; k < end; k++) {
    if (tk[k] !== SOFT) continue;
    const w = wordAt(k + 1);
    if (SUBJ_FR.has(w) || FUSED_FR.has(w) || w === 't') return true;
  }
  return false;
}

/** Whether an amount comes next, maybe after "genre", "les", "mes": "pas 20 € ?". */
function amountFollows(k: number, we: number): boolean {
  for (let j = k; j < we && j < k + 3; j++) {
    if (tk[j] === AMT) return true;
    const w = wordAt(j);
    if (!(SLOT_FILLERS.has(w) || OBJECT_SKIP.has(w) || DEF.has(w) || POSS.has(w))) return false;
  }
  return false;
}

/** "tu m'as avancé combien ?", "how much did you lend me?": asking the amount of a loan. */
function asksHowMuch(s0: number, we: number): boolean {
  for (let k = s0; k < we; k++) {
    const w = wordAt(k);
    // ("combien de temps", "how much time" ask something else.)
    if (w === 'combien' || w === 'cb' || w === 'cmb') {
      const of = wordAt(k + 1) === 'de' || wordAt(k + 1) === 'd';
      return !of || MONEY_WORDS.has(wordAt(k + 2));
    }
    if (w === 'how' && wordAt(k + 1) === 'much') return wordAt(k + 2) !== 'time';
  }
  return false;
}

/** After an amount, these make it a split: "25 each", "15 € chacun". */
const EACH = new Set(['each', 'chacun', 'chacune', 'pp', 'apiece']);
/** Before a bare amount, these make it a known sum of money: "the 20", "tes 15". */
const AMOUNT_DET = new Set(['the', 'les', 'mes', 'tes', 'my', 'your', 'ur', 'ces', 'those']);

/**
 * The amount a verb without one refers back to, `at` being the word just before its group:
 * right there ("the 20 | you lent me", "30 balles | à me prêter", "les 70 € | que je t'ai
 * prêtés"), or, for a pronoun object, the nearest one before if it is a sum of money ("les
 * 20 €, je te les rends") or a split ("25 each, send it"; "15 € chacun, envoie quand tu peux").
 */
function antecedentAmount(at: number, pronoun: boolean): number {
  let k = at;
  const w = wordAt(k);
  if (w === 'que' || w === 'qu' || w === 'that' || w === 'which') k--;
  if (k >= 0 && tk[k] === AMT) {
    if (isExplicit(k) || (AMOUNT_DET.has(wordAt(k - 1)) && amountEndsWell(k))) return k;
    return -1;
  }
  for (let j = at; j >= 0 && j > at - 12; j--) {
    if (tk[j] !== AMT) continue;
    const split = EACH.has(wordAt(j + 1));
    if (split || (pronoun && AMOUNT_DET.has(wordAt(j - 1)) && amountEndsWell(j))) return j;
    return -1;
  }
  return -1;
}

/** Where a payment request is the thing sent ("a request", "une demande (de paiement)"), or -1. */
function sentRequest(ws: number, we: number): number {
  for (let k = ws; k < we && k < ws + 4; k++) {
    const w = wordAt(k);
    if (w === 'request' || w === 'demande') return k;
  }
  return -1;
}

/** The amount of a request at `k`: "a request for 30", "une demande lydia de 15 €". */
function requestAmount(k: number, we: number): number {
  for (let j = k + 1; j < we && j <= k + 3; j++) {
    if (tk[j] === AMT) return isExplicit(j) || AMOUNT_AFTER_REQUEST.has(wordAt(j - 1)) ? j : -1;
  }
  return -1;
}
const AMOUNT_AFTER_REQUEST = new Set(['for', 'of', 'de', 'd']);

/** Payment apps, which make "I'll request you on venmo" about money. */
const APPS = new Set(['venmo', 'paypal', 'zelle', 'cashapp', 'revolut', 'lydia', 'paylib']);

function hasAmountInSentence(sent: number): boolean {
  const end = sEnd[sent] ?? n;
  for (let k = sStart[sent] ?? 0; k < end; k++) if (tk[k] === AMT) return true;
  return false;
}

/** "les 20 € je te les rends", "I need the 30 you owe me": an amount just before the phrase. */
function preVerbAmount(from: number, s0: number): number {
  for (let k = from - 1; k >= s0 && k >= from - 6; k--) {
    if (tk[k] === STRONG) break;
    if (tk[k] !== AMT) continue;
    if (isExplicit(k)) return k;
    const before = wordAt(k - 1);
    if (
      before === 'the' ||
      before === 'les' ||
      before === 'mes' ||
      before === 'tes' ||
      before === 'my'
    )
      return k;
  }
  return -1;
}

/** "ta part c'est 15 €", "your share is $18.75", "what's my share?". */
function shareHit(k: number): Hit | null {
  const owner = POSS.get(wordAt(k - 1));
  if (owner !== 1 && owner !== 2) return null;
  const next = wordAt(k + 1);
  if (next === 'price' || next === 'prices') return null;
  const sent = tsent[k] ?? 0;
  const s0 = sStart[sent] ?? 0;
  const end = sEnd[sent] ?? n;
  let amount = -1;
  for (let j = k + 1; j < end && j <= k + 9; j++) {
    if (tk[j] !== AMT) continue;
    const b1 = wordAt(j - 1);
    if (
      isExplicit(j) ||
      COPULA.has(b1) ||
      (SLOT_FILLERS.has(b1) && COPULA.has(wordAt(j - 2))) ||
      (b1 === '' && kindAt(j - 1) === WORD)
    ) {
      amount = j;
    }
    break;
  }
  if (amount < 0) {
    for (let j = k - 2; j >= s0 && j >= k - 6; j--) {
      if (isExplicit(j)) {
        amount = j;
        break;
      }
    }
  }
  let action = owner === 1 ? SEND : REQUEST;
  for (let j = k - 2; j >= s0 && j >= k - 4; j--) {
    if (HANDING.has(wordAt(j))) action = owner === 1 ? REQUEST : SEND;
  }
  if (amount < 0) {
    if (owner !== 1 || sQ[sent] !== true) return null;
    let asks = false;
    for (let j = s0; j < k; j++) if (QUESTION_WORDS.has(wordAt(j))) asks = true;
    if (!asks) return null;
  }
  const h = hit(action, k, owner);
  h.amount = amount;
  return h;
}

/** "t'oublies pas mes 12 €", "don't forget my 20 bucks": a reminder of money owed to the author. */
function forgetHit(k: number): Hit | null {
  for (let j = k + 1; j <= k + 3; j++) {
    const w = wordAt(j);
    if (w === 'mes' || w === 'my') {
      const next = j + 1;
      if (kindAt(next) !== AMT && !MONEY_WORDS.has(wordAt(next))) return null;
      const h = hit(REQUEST, k, 1);
      h.amount = kindAt(next) === AMT ? next : -1;
      return h;
    }
    if (!NEG.has(w) && w !== 'about' && w !== 'pas') return null;
  }
  return null;
}

const NOUN_BEFORE = new Set([
  'un',
  'une',
  'le',
  'la',
  'ton',
  'mon',
  'du',
  'sur',
  'par',
  'via',
  'en',
  'petit',
]);

/** Where "faire un virement" starts: the support verb a transfer noun hangs on, or -1. */
function supportVerbOf(k: number): number {
  for (let j = k - 1; j >= k - 4 && j >= 0; j--) {
    const w = wordAt(j);
    if (SUPPORT_VERBS.has(w)) return j;
    // ("fais-moi un virement": the imperative's object sits between.)
    if (!NOUN_BEFORE.has(w) && !(w === 'moi' && SUPPORT_VERBS.has(wordAt(j - 1)))) return -1;
  }
  return -1;
}

/** Amount of the message for a phrase that named none: the nearest amount written with a currency, or a bare number just after a comma in its sentence. */
function fallbackAmount(h: Hit): number {
  const sent = tsent[h.at] ?? 0;
  const end = sEnd[sent] ?? n;
  for (let k = h.at + 1; k < end; k++) {
    if (tk[k] !== AMT || isExplicit(k)) continue;
    const before = tk[k - 1] === SOFT || COPULA.has(wordAt(k - 1));
    if (before && amountEndsWell(k)) return k;
  }
  let best = -1;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let k = 0; k < n; k++) {
    if (!isExplicit(k)) continue;
    // Prefer an amount after the phrase: "I owe you for dinner. $32."
    const d = k > h.at ? k - h.at : (h.at - k) * 1.5;
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  return best;
}

/**
 * Detects a debt between the two people of a chat in one message, English or French, and
 * says which way the money should go from the author's side: `send` when the author owes
 * or offers to pay, `request` when the author is owed or asks for money. Returns `null`
 * when the message is not about such a debt: times, prices paid to shops, market prices,
 * idioms ("I owe you one", "tu me dois une bière") and negations ("tu ne me dois rien").
 *
 * Pure and synchronous: no network, no model, regular expressions compiled once at load.
 *
 * @example
 * detectMoneyIntent('tu me dois 20 €', { locale: 'fr-FR', currency: 'EUR' });
 * // { action: 'request', amount: { value: 2000, currency: 'EUR' } }
 * detectMoneyIntent('I owe you $12.50 for lunch', { locale: 'en-US', currency: 'USD' });
 * // { action: 'send', amount: { value: 1250, currency: 'USD' } }
 * detectMoneyIntent('combien je te dois ?', { locale: 'fr-FR', currency: 'EUR' });
 * // { action: 'send' }
 * detectMoneyIntent('rdv à 20h30', { locale: 'fr-FR', currency: 'EUR' }); // null
 */
export function detectMoneyIntent(text: string, options: MoneyIntentOptions): MoneyIntent | null {
  if (!text) return null;
  // Long messages are not chat lines about a debt; bound the work per call.
  const s = normalize(text.length > 2000 ? text.slice(0, 2000) : text);
  amounts.length = 0;
  scanAmounts(s, amounts);
  tokenize(s);
  mergeWordAmounts();
  splitSentences();

  let first: Hit | null = null;
  let prevSubj = 0;
  for (let i = 0; i < n; i++) {
    if (tk[i] !== WORD) continue;
    const w = tw[i] ?? '';
    let h: Hit | null = null;
    if (TRANSFER_NOUNS.has(w)) {
      const support = supportVerbOf(i);
      if (support >= 0) h = verbHit(support, [XFER, FR], i + 1, prevSubj);
      else if (NOUN_BEFORE.has(wordAt(i - 1))) continue;
    }
    if (h === null && FORGET.has(w)) h = forgetHit(i);
    if (h === null) {
      const entry = VERBS.get(w);
      if (entry) h = verbHit(i, entry, 0, prevSubj);
      else if (SHARE_WORDS.has(w)) h = shareHit(i);
    }
    if (h === null) continue;
    if (h.subj !== 0) prevSubj = h.subj;
    if (h.action !== SEND && h.action !== REQUEST) continue;
    if (first === null) {
      first = h;
      if (h.amount >= 0 && (h.half || !halfAfter(i))) break;
    } else if (first.amount >= 0) {
      // "j'ai avancé 40 €, tu me rembourses la moitié ?": a later phrase halves the amount.
      if (h.action === first.action && h.half && (h.amount < 0 || h.amount === first.amount))
        first.half = true;
      if (h.action === first.action) break;
    } else if (h.action === first.action && h.amount >= 0) {
      // "pay up, you owe me 12": a later phrase with the same direction names the amount.
      first.amount = h.amount;
      first.half = h.half;
      break;
    }
  }
  if (first === null) return null;
  const result: MoneyIntent = { action: first.action === SEND ? 'send' : 'request' };
  let tok = first.amount;
  if (tok < 0 && first.fallback) tok = fallbackAmount(first);
  const mention = tok >= 0 ? amountAt(tok) : undefined;
  if (mention) {
    const currency = resolveCurrency(
      mention.unit,
      messageCurrency(options.currency),
      options.currency,
    );
    let value = toMinorUnits(mention, currency);
    // "20 € et 5 € pour le café", "$20 + $5": one debt written as a sum.
    for (
      let k = tok;
      wordAt(k + 1) === 'et' || wordAt(k + 1) === 'and' || wordAt(k + 1) === 'plus';
    ) {
      const addend = amountAt(k + 2);
      if (!addend || addend.unit !== mention.unit) break;
      value += toMinorUnits(addend, currency);
      k += 2;
    }
    if (first.half) value = Math.round(value / 2);
    if (value > 0) result.amount = { value, currency };
  }
  return result;
}

/** Whether "half" or "moitié" comes after token `i`. */
function halfAfter(i: number): boolean {
  for (let k = i + 1; k < n; k++) if (HALF_WORDS.has(wordAt(k))) return true;
  return false;
}

/** The currency a bare number is in: the one the message names, if it names just one. */
function messageCurrency(optionCurrency: string): string {
  let found = '';
  for (const m of amounts) {
    if (m.unit === null || m.unit === '*' || m.unit === 'c') continue;
    const c = resolveCurrency(m.unit, optionCurrency, optionCurrency);
    if (found === '') found = c;
    else if (found !== c) return optionCurrency;
  }
  return found || optionCurrency;
}
