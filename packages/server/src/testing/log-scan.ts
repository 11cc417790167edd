import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sandboxCards } from '../cards/sandbox-cards.js';
import type { SecretKind } from './log-capture.js';

export interface Secret {
  kind: SecretKind;
  value: string;
}

/** A digit run standing alone: not inside a longer number, id, UUID or word. */
const alone = (digits: string) => new RegExp(`(?<![0-9A-Za-z-])${digits}(?![0-9A-Za-z-])`);

/**
 * The secrets that appear in `text`. Card numbers count anywhere (a 12 to 19 digit run is no
 * accident); PINs and SMS codes when they stand alone; a CVC whenever a line names the field
 * or puts its value next to a card number.
 *
 * @example
 * findLeaks('{"pin":"914273"}', [{ kind: 'pin', value: '914273' }]); // ['pin 91…']
 */
export function findLeaks(text: string, secrets: Secret[]): string[] {
  const found = new Set<string>();
  const mask = (s: Secret) => `${s.kind} ${s.value.slice(0, 2)}…`;
  // The access log's duration: a request of 1234 ms is no leak of the trivial PIN 1234.
  const unTimed = text.replace(/"ms":\d+/g, '"ms":0');
  for (const s of secrets) {
    if (s.kind === 'pan' && text.includes(s.value)) found.add(mask(s));
    // Only what can be a PIN (4 to 6 digits) or a code (6): shorter digit runs are everywhere.
    const shaped = s.kind === 'pin' ? /^\d{4,6}$/ : /^\d{6}$/;
    if (
      (s.kind === 'pin' || s.kind === 'otp') &&
      shaped.test(s.value) &&
      alone(s.value).test(unTimed)
    )
      found.add(mask(s));
    if (s.kind === 'cvc' && new RegExp(`\\d{12,19}\\D.{0,30}?(?<!\\d)${s.value}(?!\\d)`).test(text))
      found.add(mask(s));
  }
  const field = text.match(/.{0,40}\b(cvc|cvv|cvc2|card_?code)\b.{0,40}/i);
  if (field) found.add(`a CVC field: ${field[0]}`);
  return [...found];
}

/** Every card number of the sandbox: whatever a test did, none may be logged. */
export const sandboxPans: Secret[] = sandboxCards.map((c) => ({ kind: 'pan', value: c.pan }));

/** What the workers captured in `dir`: their log text, and the secrets their tests used. */
export function readCaptured(dir: string) {
  const files = readdirSync(dir);
  const text = files
    .filter((f) => f.endsWith('.log'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
  const secrets = files
    .filter((f) => f.endsWith('.secrets'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean))
    .map((line) => JSON.parse(line) as Secret);
  const unique = new Map(secrets.map((s) => [`${s.kind}:${s.value}`, s]));
  return { text, secrets: [...unique.values()], files: files.length };
}
