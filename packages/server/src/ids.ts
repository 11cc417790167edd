import { ulid } from 'ulid';

/**
 * A public id: a type prefix and a ULID, e.g. `tr_01JD…`. Its first 48 bits are the time, so
 * new rows land at the end of the indexes keyed by id instead of on a random page (fewer
 * pages written per commit); its other 80 bits are random, so ids cannot be guessed.
 */
export const newId = (prefix: string) => `${prefix}_${ulid()}`;
