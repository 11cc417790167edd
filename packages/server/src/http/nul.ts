/**
 * The path to the first string (or object key) holding a NUL character in validated input,
 * `''` for the input itself, or undefined when there is none. PostgreSQL cannot store NUL in
 * text, and no field of the API needs one: such input is refused on both stores alike.
 *
 * @example
 * findNul({ note: 'a\u0000b' }); // 'note'
 */
export function findNul(value: unknown, path: (string | number)[] = []): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path.join('.') : undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findNul(item, [...path, i]);
      if (found !== undefined) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = key.includes('\u0000')
        ? [...path, key].join('.')
        : findNul(item, [...path, key]);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
