import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Checks a platform secret key (`sk_...`) against the configured ones in constant time.
 *
 * @example
 * const isPlatformKey = createSecretKeyCheck(['sk_live_...']);
 * isPlatformKey(bearer); // true or false
 */
export function createSecretKeyCheck(keys: string[]): (candidate: string) => boolean {
  const digests = keys.map(digest);
  return function isPlatformKey(candidate) {
    if (!candidate.startsWith('sk_')) return false;
    const d = digest(candidate);
    // Compare against every key so timing says nothing about which one matched.
    let match = false;
    for (const key of digests) match = timingSafeEqual(d, key) || match;
    return match;
  };
}
