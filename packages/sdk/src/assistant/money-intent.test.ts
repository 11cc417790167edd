import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectMoneyIntent, type MoneyIntent } from './index.js';

const fr = (text: string, currency = 'EUR') =>
  detectMoneyIntent(text, { locale: 'fr-FR', currency });
const en = (text: string, currency = 'USD') =>
  detectMoneyIntent(text, { locale: 'en-US', currency });
const send = (value?: number, currency = 'EUR'): MoneyIntent =>
  value === undefined ? { action: 'send' } : { action: 'send', amount: { value, currency } };
const request = (value?: number, currency = 'EUR'): MoneyIntent =>
  value === undefined ? { action: 'request' } : { action: 'request', amount: { value, currency } };

describe('detectMoneyIntent: amount forms', () => {
  it.each([
    ['tu me dois $20', 2000, 'USD'],
    ['tu me dois 20$', 2000, 'USD'],
    ['tu me dois €7.50', 750, 'EUR'],
    ['tu me dois 7,50 €', 750, 'EUR'],
    ['tu me dois 7€50', 750, 'EUR'],
    ['tu me dois 20 euros', 2000, 'EUR'],
    ['tu me dois 20 eur', 2000, 'EUR'],
    ['tu me dois 20e', 2000, 'EUR'],
    ['tu me dois 30 balles', 3000, 'EUR'],
    ['tu me dois 1 500 €', 150000, 'EUR'],
    ['tu me dois 1\u00a0500 €', 150000, 'EUR'],
    ['tu me dois 1\u202f500 €', 150000, 'EUR'],
    ['tu me dois 1.250 €', 125000, 'EUR'],
    ['tu me dois 1 250,50 €', 125050, 'EUR'],
    ['tu me dois 1,5 €', 150, 'EUR'],
    ['tu me dois 2k€', 200000, 'EUR'],
    ['tu me dois 2 k€', 200000, 'EUR'],
    ['tu me dois vingt euros', 2000, 'EUR'],
    ['tu me dois quatre-vingt-dix euros', 9000, 'EUR'],
    ['tu me dois 40 CHF', 4000, 'CHF'],
  ])('French: %s', (text, value, currency) => {
    expect(fr(text)).toEqual(request(value, currency));
  });

  it.each([
    ['you owe me $1,250', 125000, 'USD'],
    ['you owe me 1,250.50', 125050, 'USD'],
    ['you owe me USD 15', 1500, 'USD'],
    ['you owe me 15 USD', 1500, 'USD'],
    ['you owe me usd15', 1500, 'USD'],
    ['you owe me £50', 5000, 'GBP'],
    ['you owe me 50 pounds', 5000, 'GBP'],
    ['you owe me 20 dollars', 2000, 'USD'],
    ['you owe me 15 bucks', 1500, 'USD'],
    ['you owe me 5 quid', 500, 'GBP'],
    ['you owe me $2k', 200000, 'USD'],
    ['you owe me 1.5k', 150000, 'USD'],
    ['you owe me twenty bucks', 2000, 'USD'],
    ['you owe me a hundred and fifty dollars', 15000, 'USD'],
    ['you owe me a tenner', 1000, 'USD'],
    ['you owe me 50 cents', 50, 'USD'],
    ['you owe me ¥5000', 5000, 'JPY'],
  ])('English: %s', (text, value, currency) => {
    expect(en(text)).toEqual(request(value, currency));
  });

  it('reads a bare number in the caller currency, or the one the message names', () => {
    expect(en('you owe me 35')).toEqual(request(3500, 'USD'));
    expect(fr('tu me dois 7,50')).toEqual(request(750, 'EUR'));
    expect(fr('le resto était à 30 $, tu me dois 15')).toEqual(request(1500, 'USD'));
  });

  it('maps $ and bucks to the caller’s own dollar', () => {
    expect(en('I owe you $20', 'CAD')).toEqual(send(2000, 'CAD'));
    expect(en('I owe you 30 bucks', 'AUD')).toEqual(send(3000, 'AUD'));
    expect(en('I owe you $20', 'EUR')).toEqual(send(2000, 'USD'));
    expect(en('I owe you CA$20', 'USD')).toEqual(send(2000, 'CAD'));
  });

  it('maps balles to the caller currency', () => {
    expect(fr('je te dois 20 balles', 'CHF')).toEqual(send(2000, 'CHF'));
  });

  it('takes half of an amount, and adds a sum', () => {
    expect(en('you owe me half of the $40 cab')).toEqual(request(2000, 'USD'));
    expect(fr('je te dois la moitié des 60 €')).toEqual(send(3000));
    expect(fr('je te dois 20 € et 5 € pour le café')).toEqual(send(2500));
  });

  it('reads the amount after "your half," or "ta moitié c\'est" as the half itself', () => {
    expect(fr('tu me files ta moitié, 25 €')).toEqual(request(2500));
    expect(fr('tu me dois ta moitié, soit 30 €')).toEqual(request(3000));
    expect(en('send me your half: $25')).toEqual(request(2500, 'USD'));
    expect(en("send me your half, it's $25")).toEqual(request(2500, 'USD'));
    expect(en('you owe me my half of the $90')).toEqual(request(4500, 'USD'));
  });

  it('never reads times, dates, percentages or ordinals as the amount', () => {
    expect(fr('je te rembourse à 20h')).toEqual(send());
    expect(fr('je te rembourse le 5')).toEqual(send());
    expect(en("I'll pay you back on the 15th")).toEqual(send());
    expect(en("I'll pay you back at 7:30")).toEqual(send());
    expect(en("I'll pay you back in 2 days")).toEqual(send());
    expect(fr('tu me dois 20 € depuis le 3 mars')).toEqual(request(2000));
  });
});

describe('detectMoneyIntent: English', () => {
  it('detects the author owing or offering to pay', () => {
    expect(en('I owe you $20')).toEqual(send(2000, 'USD'));
    expect(en("I'll pay you back tomorrow")).toEqual(send());
    expect(en('let me pay you for the tickets')).toEqual(send());
    expect(en('how much do I owe you?')).toEqual(send());
    expect(en('do I owe you anything?')).toEqual(send());
    expect(en('i owe ya 20')).toEqual(send(2000, 'USD'));
    expect(en("I'll venmo you 15")).toEqual(send(1500, 'USD'));
    expect(en('I can lend you 50')).toEqual(send(5000, 'USD'));
    expect(en('you lent me $30 last week')).toEqual(send(3000, 'USD'));
    expect(en("I haven't paid you back yet")).toEqual(send());
  });

  it('detects the author being owed or asking for money', () => {
    expect(en('you owe me 35')).toEqual(request(3500, 'USD'));
    expect(en('u owe me 10')).toEqual(request(1000, 'USD'));
    expect(en('you still owe me for the pizza')).toEqual(request());
    expect(en('can you send me 20 bucks')).toEqual(request(2000, 'USD'));
    expect(en('your share is $18.75')).toEqual(request(1875, 'USD'));
    expect(en('can you spot me $40?')).toEqual(request(4000, 'USD'));
    expect(en('pay me back when you can')).toEqual(request());
    expect(en('I lent you 60 last month')).toEqual(request(6000, 'USD'));
    expect(en('you never paid me back')).toEqual(request());
    expect(en('dont forget you owe me 45')).toEqual(request(4500, 'USD'));
  });

  it('handles informal spelling', () => {
    expect(en('ill pay u back tmrw')).toEqual(send());
    expect(en('U OWE ME 20 BUCKS')).toEqual(request(2000, 'USD'));
    expect(en('cant wait to pay you back lol')).toEqual(send());
    expect(en('dont pay me back lol')).toBeNull();
    expect(en('i cant lend u money rn sry')).toBeNull();
    expect(en('u dont owe me nothin')).toBeNull();
  });
});

describe('detectMoneyIntent: tense, negation and requests', () => {
  it('reads a payment that did not happen as a debt still open', () => {
    expect(en('you never paid me back for the tickets')).toEqual(request());
    expect(fr("je t'ai pas encore remboursé ?")).toEqual(send());
    expect(en("sorry can't pay you back till next week")).toEqual(send());
    expect(en("you didn't have to pay me back!")).toBeNull();
  });

  it('reads questions about a past payment as still open', () => {
    expect(en('did you pay me back for the concert?')).toEqual(request());
    expect(en('I already paid you back')).toBeNull();
  });

  it('reads a sent payment request as a request', () => {
    expect(en("I'll send you a venmo request")).toEqual(request());
    expect(fr("je t'envoie une demande lydia de 15 €")).toEqual(request(1500));
  });

  it('reads a past loan as a debt of the borrower', () => {
    expect(en('I fronted you $50 last week')).toEqual(request(5000, 'USD'));
    expect(fr("t'as emprunté 40 € la semaine dernière")).toEqual(request(4000));
    expect(en('I borrowed 40 bucks from you')).toEqual(send(4000, 'USD'));
  });

  it('reads paying for the other person as them owing', () => {
    expect(fr("j'ai payé ta place, 25 €")).toEqual(request(2500));
    expect(en('I covered your ticket, it was $12')).toEqual(request(1200, 'USD'));
  });
});

describe('detectMoneyIntent: French', () => {
  it('detects the author owing or offering to pay', () => {
    expect(fr('je te dois 20 €')).toEqual(send(2000));
    expect(fr('jte dois 20 balles')).toEqual(send(2000));
    expect(fr("j'te rembourse demain")).toEqual(send());
    expect(fr('je te rembourse les 15 euros')).toEqual(send(1500));
    expect(fr('combien je te dois ?')).toEqual(send());
    expect(fr('je te dois quelque chose ?')).toEqual(send());
    expect(fr('je te fais un virement de 30 €')).toEqual(send(3000));
    expect(fr("tu m'as avancé 30 € hier")).toEqual(send(3000));
    expect(fr('on te doit 60 €')).toEqual(send(6000));
  });

  it('detects the author being owed or asking for money', () => {
    expect(fr('tu me dois 20 €')).toEqual(request(2000));
    expect(fr("tu m'dois 20 €")).toEqual(request(2000));
    expect(fr("tu peux m'avancer 50 € ?")).toEqual(request(5000));
    expect(fr('tu me rembourses le ciné ?')).toEqual(request());
    expect(fr('rembourse-moi 12 €')).toEqual(request(1200));
    expect(fr("ta part c'est 15 €")).toEqual(request(1500));
    expect(fr("je t'ai prêté 100 €")).toEqual(request(10000));
    expect(fr("tu m'as toujours pas remboursé")).toEqual(request());
    expect(fr('vous me devez 18 € chacun')).toEqual(request(1800));
  });

  it('reads text without accents and in any case', () => {
    expect(fr('TU ME DOIS 20 EUROS')).toEqual(request(2000));
    expect(fr('tu peux me preter 20 e ?')).toEqual(request(2000));
  });
});

describe('detectMoneyIntent: chat turns', () => {
  it('reads "pas" in a question as asking to confirm the debt', () => {
    expect(fr('tu me dois pas 20€ toi ?')).toEqual(request(2000));
    expect(fr('je te dois pas genre 100 balles ?')).toEqual(send(10000));
    expect(fr('tu ne me dois pas 12 balles ?')).toEqual(request(1200));
    expect(fr('tu me dois pas 20 €')).toBeNull();
    expect(fr('tu me dois pas un centime ?')).toBeNull();
  });

  it('asks how much a loan was', () => {
    expect(fr('tu m’as avancé combien déjà ?')).toEqual(send());
    expect(en('how much did you lend me again?')).toEqual(send());
    expect(fr('tu me prêtes combien de temps ta voiture ?')).toBeNull();
    expect(en('how much did he lend you?')).toBeNull();
  });

  it('halves an amount when a later phrase asks for half of it', () => {
    expect(fr('j’ai avancé 40 € pour le taxi, tu me rembourses la moitié ?')).toEqual(
      request(2000),
    );
    expect(en('i owe u half of the 80 for the hotel')).toEqual(send(4000, 'USD'));
    expect(en('half of the 40 people came')).toBeNull();
  });

  it('takes the amount a pronoun or a relative clause points back to', () => {
    expect(fr('merci pour les 20€, je te les rends vendredi')).toEqual(send(2000));
    expect(fr('les 70 € que je t’ai prêtés, tu me les rends quand ?')).toEqual(request(7000));
    expect(fr('t’aurais pas 20 euros à me prêter')).toEqual(request(2000));
    expect(en('the $40 I lent you, can you send it back?')).toEqual(request(4000, 'USD'));
    expect(en('need the 15 you borrowed back pls')).toEqual(request(1500, 'USD'));
    expect(fr('ça fait 25 € chacun, tu me les envoies quand tu peux')).toEqual(request(2500));
    expect(en("it's 25 each, send it whenever")).toEqual(request(2500, 'USD'));
    // Not when the amount is a price of something else, or the thing sent is a document.
    expect(fr('les billets sont à 30 €, je te les envoie')).toBeNull();
    expect(fr('le billet coûte 30 €, je te l’envoie par mail')).toBeNull();
    expect(fr('c’est 15 € chacun, je t’envoie le lien')).toBeNull();
    expect(en('the 20 you gave me yesterday, thanks')).toBeNull();
  });

  it('reads chat spelling of j’ai and the subject of an infinitive', () => {
    expect(fr('g oublié de te rendre tes 20 euros dsl')).toEqual(send(2000));
    expect(fr('jai oublié de te rembourser dsl')).toEqual(send());
    expect(fr('jsuis grave à la bourre pour te rembourser')).toEqual(send());
    expect(fr('il est parti sans te rembourser')).toBeNull();
    expect(fr('je lui ai dit de te rembourser')).toBeNull();
    expect(fr('g payé 50 € le plein')).toBeNull();
  });

  it('knows verser, renvoyer, régler and "cough up"', () => {
    expect(fr('je te verse 100 € demain pour les vacances')).toEqual(send(10000));
    expect(fr('je te renvoie les 30€ demain')).toEqual(send(3000));
    expect(fr('je te règle ça demain')).toEqual(send());
    expect(en('cough up the 10 quid mate')).toEqual(request(1000, 'GBP'));
    expect(fr('je règle l’addition et j’arrive')).toBeNull();
    expect(fr('je te renvoie le document ce soir')).toBeNull();
  });

  it('knows float, sub, bung, chuck, lâcher and "fais-moi un virement", only with money', () => {
    expect(en('can u float me 20 till friday')).toEqual(request(2000, 'USD'));
    expect(en('sub me a tenner', 'GBP')).toEqual(request(1000, 'GBP'));
    expect(en('bung me a fiver', 'GBP')).toEqual(request(500, 'GBP'));
    expect(fr('lâche-moi 10 balles')).toEqual(request(1000));
    expect(fr('fais moi un virement de 40 €')).toEqual(request(4000));
    expect(fr('vs me devez 20 € chacun')).toEqual(request(2000));
    expect(en('can you float the idea to your boss?')).toBeNull();
    expect(en('chuck me the remote')).toBeNull();
    expect(fr('lâche-moi la grappe')).toBeNull();
    expect(fr('fais-moi signe')).toBeNull();
    expect(fr('psg vs om 2-1 ce soir')).toBeNull();
  });

  it('reads a payment request the author made as a request, with its amount', () => {
    expect(en('just requested $25 on venmo')).toEqual(request(2500, 'USD'));
    expect(en("I'll request you on venmo")).toEqual(request());
    expect(en('sent you a request for 30')).toEqual(request(3000, 'USD'));
    expect(en('I requested a refund from amazon')).toBeNull();
    expect(en('requested $25 from my boss for the supplies')).toBeNull();
    expect(en('I requested 2 days off')).toBeNull();
    expect(en('my request got denied')).toBeNull();
  });

  it('does not read money verbs in other senses as a debt', () => {
    expect(en('front row seats for $90!')).toBeNull();
    expect(en('I spotted 3 deer')).toBeNull();
    expect(en('I need to pay back 300 on my credit card')).toBeNull();
    expect(en('spot me 20 till friday')).toEqual(request(2000, 'USD'));
    expect(en('I need to pay you back 20')).toEqual(send(2000, 'USD'));
  });

  it('reads paying the other person’s thing as them owing, when a sum is named', () => {
    expect(fr("je t'ai payé ton billet de train, 47,80 €")).toEqual(request(4780));
    expect(fr('tu m’as payé mon café merci !')).toBeNull();
  });

  it('keeps a question to its own clause, and advancing a date is not money', () => {
    expect(fr("je t'ai envoyé les 15€ hier soir, tu les as reçus ?")).toBeNull();
    expect(fr("j'ai avancé le rdv à 15h")).toBeNull();
  });
});

describe('detectMoneyIntent: not a debt between the two people', () => {
  it.each([
    'see you at 7:30',
    'rdv à 8h30',
    'il fait 20°',
    'it is 20 degrees',
    'we won 3-1',
    'appelle-moi au 06 12 34 56 78',
    'I live at 221 baker street',
    'she turned 30',
    'there were 20 people',
    '50% off',
    'I paid 20 € for a T-shirt at Zara',
    'le resto coûte 30 € par personne',
    'bitcoin is at $40,000',
    "l'essence est à 1,90 €",
    'I make 45k a year',
  ])('numbers: %s', (text) => {
    expect(en(text)).toBeNull();
  });

  it.each([
    'I owe you one',
    'I owe you big time',
    'you owe me an apology',
    'tu me dois des explications',
    'tu me dois une bière',
    'je te dois une fière chandelle',
    'je te dois la vie',
    "je t'en dois une",
    'thanks, I owe you!',
    "c'est moi qui invite",
    "it's on me",
  ])('idioms: %s', (text) => {
    expect(fr(text)).toBeNull();
  });

  it.each([
    "you don't owe me anything",
    'tu ne me dois rien',
    'je ne te dois plus rien',
    'tu me dois rien',
    'no need to pay me back',
    'pas besoin de me rembourser',
    "I don't think I owe you anything",
  ])('negations: %s', (text) => {
    expect(fr(text)).toBeNull();
  });

  it.each([
    'Tom owes me 50 bucks',
    'il me doit 50 €',
    'la sécu m’a remboursé 25 €',
    'my mom sent me 50',
  ])('third parties: %s', (text) => {
    expect(en(text)).toBeNull();
  });

  it.each([
    'I paid you back yesterday',
    "je t'ai déjà remboursé",
    'send me the pics',
    'give me 5 minutes',
    'can you lend me your charger?',
    'you owe me 2 beers',
  ])('settled debts and things that are not money: %s', (text) => {
    expect(en(text)).toBeNull();
  });

  it.each([
    'send the money to mom',
    "envoie l'argent à maman",
    "j'ai prêté 50 € à Paul",
    'I gave her 20 for the cab',
    'je lui dois 30 €',
  ])('someone else receives: %s', (text) => {
    expect(fr(text)).toBeNull();
  });

  it('returns null on empty input', () => {
    expect(en('')).toBeNull();
  });
});

interface CorpusEntry {
  text: string;
  locale: string;
  currency: string;
  expected: MoneyIntent | null;
}

describe('detectMoneyIntent: labelled corpus', () => {
  const corpus = JSON.parse(
    readFileSync(new URL('./corpus/money-intent.json', import.meta.url), 'utf8'),
  ) as CorpusEntry[];

  it('has a varied corpus: 400+ messages, both languages, a third hard negatives', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(400);
    const french = corpus.filter((e) => e.locale.startsWith('fr')).length;
    expect(french / corpus.length).toBeGreaterThan(0.4);
    expect(french / corpus.length).toBeLessThan(0.6);
    const negatives = corpus.filter((e) => e.expected === null).length;
    expect(negatives / corpus.length).toBeGreaterThanOrEqual(1 / 3);
  });

  it('reaches precision and recall >= 0.95 per action, and exact amounts for >= 0.95', () => {
    const counts = {
      send: { tp: 0, fp: 0, fn: 0 },
      request: { tp: 0, fp: 0, fn: 0 },
    };
    let withAmount = 0;
    let exactAmount = 0;
    const wrong: string[] = [];
    for (const e of corpus) {
      const got = detectMoneyIntent(e.text, { locale: e.locale, currency: e.currency });
      const gotAction = got?.action ?? null;
      const expAction = e.expected?.action ?? null;
      for (const action of ['send', 'request'] as const) {
        if (gotAction === action && expAction === action) counts[action].tp++;
        else if (gotAction === action) counts[action].fp++;
        else if (expAction === action) counts[action].fn++;
      }
      let ok = gotAction === expAction;
      if (e.expected?.amount) {
        withAmount++;
        if (
          ok &&
          got?.amount?.value === e.expected.amount.value &&
          got.amount.currency === e.expected.amount.currency
        )
          exactAmount++;
        else ok = false;
      } else if (got?.amount) ok = false;
      if (!ok)
        wrong.push(
          `${JSON.stringify(e.text)} expected ${JSON.stringify(e.expected)}, got ${JSON.stringify(got)}`,
        );
    }
    const figures: Record<string, number> = {};
    for (const action of ['send', 'request'] as const) {
      const c = counts[action];
      figures[`${action} precision`] = c.tp / (c.tp + c.fp);
      figures[`${action} recall`] = c.tp / (c.tp + c.fn);
    }
    figures['exact amount'] = exactAmount / withAmount;
    console.log(
      `money-intent corpus: ${corpus.length} messages, ${withAmount} with an amount\n` +
        Object.entries(figures)
          .map(([k, v]) => `  ${k}: ${v.toFixed(3)}`)
          .join('\n'),
    );
    const failed = Object.values(figures).some((v) => !(v >= 0.95));
    if (failed || wrong.length > 0) console.log(`misclassified:\n  ${wrong.join('\n  ')}`);
    for (const [name, value] of Object.entries(figures)) {
      expect(value, `${name}; misclassified:\n${wrong.join('\n')}`).toBeGreaterThanOrEqual(0.95);
    }
  });
});
