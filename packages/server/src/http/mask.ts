/**
 * Masks what looks like a card number (12 to 19 digits, spaces or dashes allowed between)
 * in text that came from a client and goes back out in an error or into a log line: a
 * client that put a card number in the wrong place must not have it echoed or stored.
 */
export const maskCardNumbers = (text: string) =>
  text.replace(/\d(?:[ -]?\d){11,18}/g, '[card number]');
