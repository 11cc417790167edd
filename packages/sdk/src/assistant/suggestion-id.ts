/**
 * A stable id for a suggestion: the same conversation, message, kind and key give the same
 * id on every device and every run. 53 bits of cyrb53 (public domain, bryc), in base 36.
 */
export function suggestionId(...parts: string[]): string {
  const text = parts.join('\u0000');
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `sug_${(4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)}`;
}
