import { randomBytes } from 'node:crypto';

/** A public id: a type prefix and 128 random bits, e.g. `tr_3k9…`. */
export const newId = (prefix: string) => `${prefix}_${randomBytes(16).toString('base64url')}`;
