import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { newId } from './ids.js';

describe('newId', () => {
  it('sorts later ids after earlier ones, so new rows append to id indexes', async () => {
    const earlier = newId('tr');
    await sleep(2);
    const later = newId('tr');
    expect(earlier < later).toBe(true);
  });

  it('is distinct within one millisecond, with its random part unpredictable', () => {
    const ids = Array.from({ length: 1000 }, () => newId('tr'));
    expect(new Set(ids).size).toBe(1000);
    expect(ids[0]).toMatch(/^tr_[0-9A-HJKMNP-TV-Z]{26}$/);
    // The last 16 characters are 80 random bits: a counter would leave neighbours differing
    // only in their last character, and the next id guessable from the one before.
    const neighbours = ids.filter(
      (id, i) => i > 0 && id.slice(-16, -1) === ids[i - 1]?.slice(-16, -1),
    );
    expect(neighbours).toEqual([]);
  });

  it('draws every character of the random part evenly', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 32_000; i++) {
      const last = newId('tr').slice(-1);
      counts.set(last, (counts.get(last) ?? 0) + 1);
    }
    // 32 characters, 1,000 each expected; ±200 is over 6 standard deviations.
    expect(counts.size).toBe(32);
    for (const n of counts.values()) expect(Math.abs(n - 1000)).toBeLessThan(200);
  });
});
