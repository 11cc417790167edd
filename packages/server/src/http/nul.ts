/**
 * The path to the first string (or object key) holding a NUL character in validated input,
 * `''` for the input itself, or undefined when there is none. PostgreSQL cannot store NUL in
 * text, and no field of the API needs one: such input is refused on both stores alike.
 *
 * @example
 * findNul({ note: 'a\u0000b' }); // 'note'
 */
export function findNul(value: unknown): string | undefined {
  // One path, pushed and popped as the walk goes: copying it at every key, for input that
  // almost never holds a NUL, took twice as long.
  const path: (string | number)[] = [];
  const holdsNul = (item: unknown): boolean => {
    if (typeof item === 'string') return item.includes('\u0000');
    if (Array.isArray(item)) {
      for (let i = 0; i < item.length; i++) {
        path.push(i);
        if (holdsNul(item[i])) return true;
        path.pop();
      }
    } else if (item && typeof item === 'object') {
      for (const key of Object.keys(item)) {
        path.push(key);
        if (key.includes('\u0000') || holdsNul((item as Record<string, unknown>)[key])) return true;
        path.pop();
      }
    }
    return false;
  };
  return holdsNul(value) ? path.join('.') : undefined;
}
