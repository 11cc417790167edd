/**
 * Masks what looks like a card number (12 to 19 digits, spaces or dashes allowed between)
 * in text that came from a client and goes back out in an error or into a log line: a
 * client that put a card number in the wrong place must not have it echoed or stored.
 */
export const maskCardNumbers = (text: string) =>
  text.replace(/\d(?:[ -]?\d){11,18}/g, '[card number]');

/**
 * A key or path a client sent, to quote back in an error: any run of three digits or more
 * is masked, since a client that sent a PIN, an SMS code or a card number as a key must not
 * have it echoed. Our own keys hold no such runs; array indices below 100 stay readable.
 */
export const maskClientKey = (key: string) => key.replace(/\d(?:[ -]?\d){2,}/g, '…');
