import { randomFillSync } from 'node:crypto';
import { ulid } from 'ulid';

// ulid() draws from its random source once per character: by default one WebCrypto call
// each, 16 per id, which cost a tenth of a transfer's CPU. This source hands out bytes of
// one system call per 256 ids instead; each byte gives a uniform character (256 = 8 × 32).
const pool = new Uint8Array(4096);
let next = pool.length;
const random = () => {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return (pool[next++] as number) / 256;
};

/**
 * A public id: a type prefix and a ULID, e.g. `tr_01JD…`. Its first 48 bits are the time, so
 * new rows land at the end of the indexes keyed by id instead of on a random page (fewer
 * pages written per commit); its other 80 bits are random, so ids cannot be guessed.
 */
export const newId = (prefix: string) => `${prefix}_${ulid(undefined, random)}`;
