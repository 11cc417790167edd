/**
 * Secrets that are checked but never read back: PINs (slow salted hash), one-time codes and card
 * fingerprints (keyed HMACs), with constant-time comparisons.
 */
import { createHmac, randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';

// scrypt cost: N=2^14, r=8 uses 16 MiB and ~50 ms per hash, which is plenty for a PIN that is
// also rate-limited. The parameters are stored in each hash so they can be raised later.
const SCRYPT_N = 2 ** 14;
const SCRYPT_R = 8;
const SCRYPT_P = 1;
const SALT_BYTES = 16;
const HASH_BYTES = 32;

interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

function scryptAsync(secret: string, salt: Uint8Array, keylen: number, params: ScryptParams) {
  return new Promise<Buffer>((resolve, reject) => {
    // maxmem above Node's 32 MiB default leaves room for raising N later (128 * N * r bytes).
    const maxmem = 256 * params.N * params.r;
    scrypt(secret, salt, keylen, { ...params, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/**
 * Hashes a PIN with scrypt and a random 16-byte salt. The result is self-describing:
 * `scrypt$N$r$p$salt$hash`, salt and hash in base64url.
 *
 * @example
 * const stored = await hashPin('4827'); // 'scrypt$16384$8$1$Xy…$Q2…'
 * await verifyPin('4827', stored); // true
 */
export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const params = { N: SCRYPT_N, r: SCRYPT_R, p: SCRYPT_P };
  const hash = await scryptAsync(pin, salt, HASH_BYTES, params);
  return [
    'scrypt',
    SCRYPT_N,
    SCRYPT_R,
    SCRYPT_P,
    salt.toString('base64url'),
    hash.toString('base64url'),
  ].join('$');
}

function decodeBase64Url(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

/** Parses a stored hash, with bounds so a corrupted row cannot make us allocate gigabytes. */
function parsePinHash(stored: string) {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts
    .slice(1, 4)
    .map((part) => (/^[1-9][0-9]{0,7}$/.test(part) ? Number(part) : 0));
  const salt = decodeBase64Url(parts[4] ?? '');
  const hash = decodeBase64Url(parts[5] ?? '');
  if (!N || !r || !p || !salt || !hash) return undefined;
  const powerOfTwo = (N & (N - 1)) === 0;
  if (!powerOfTwo || N < 2 ** 10 || N > 2 ** 20 || r > 32 || p > 16) return undefined;
  if (salt.length < 8 || hash.length < 16 || hash.length > 64) return undefined;
  return { params: { N, r, p }, salt, hash };
}

/**
 * Checks a PIN against a value from `hashPin`, in constant time. A malformed stored value is
 * answered with `false` rather than an exception, so callers have a single failure path.
 *
 * @example
 * if (!(await verifyPin(input, profile.pinHash))) throw wrongPin();
 */
export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const parsed = parsePinHash(stored);
  if (!parsed) return false;
  try {
    const hash = await scryptAsync(pin, parsed.salt, parsed.hash.length, parsed.params);
    return timingSafeEqual(hash, parsed.hash);
  } catch {
    return false;
  }
}

function requireSecret(secret: string, what: string): void {
  // An empty HMAC key would make OTP hashes and fingerprints computable by anyone.
  if (secret.length === 0) throw new Error(`${what}: the HMAC secret must not be empty.`);
}

/**
 * Hashes a one-time code for storage: HMAC-SHA256(secret, `${context}:${code}`) in hex. The
 * context (for example the verification id) makes equal codes of different verifications hash
 * differently, so a stored hash cannot be replayed against another verification.
 *
 * @example
 * const codeHash = hashOtp('042917', env.OTP_SECRET, 'ver_123');
 * safeEqual(hashOtp(input, env.OTP_SECRET, 'ver_123'), codeHash); // true when input is right
 */
export function hashOtp(code: string, secret: string, context: string): string {
  requireSecret(secret, 'hashOtp');
  return createHmac('sha256', secret).update(`${context}:${code}`).digest('hex');
}

// A per-process key: the comparison only needs digests that an attacker cannot predict.
const compareKey = randomBytes(32);

/**
 * Compares two strings in constant time, including strings of different lengths: both sides are
 * HMAC'd to 32 bytes first, so neither the content nor the length leaks through timing.
 *
 * @example
 * safeEqual(hashOtp(input, secret, id), stored.codeHash);
 */
export function safeEqual(a: string, b: string): boolean {
  const digestA = createHmac('sha256', compareKey).update(a).digest();
  const digestB = createHmac('sha256', compareKey).update(b).digest();
  return timingSafeEqual(digestA, digestB);
}

/**
 * Generates a 6-digit one-time code from the CSPRNG, leading zeros kept ('004211').
 *
 * @example
 * const code = generateOtp(); // '582039'
 */
export function generateOtp(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

/**
 * A keyed fingerprint of a card number: HMAC-SHA256(secret, digits) in hex. It recognises the
 * same card across accounts without decrypting anything; a plain hash would not do, since the
 * PAN space is small enough to brute-force. Spaces and dashes are ignored.
 *
 * @example
 * fingerprintPan('4000 0025 0000 0003', env.FINGERPRINT_SECRET) ===
 *   fingerprintPan('4000002500000003', env.FINGERPRINT_SECRET); // true
 */
export function fingerprintPan(pan: string, secret: string): string {
  requireSecret(secret, 'fingerprintPan');
  return createHmac('sha256', secret).update(pan.replace(/[\s-]/g, '')).digest('hex');
}

/**
 * Whether a PIN is too easy to guess. The 4-to-6-digit rule is checked elsewhere; this rejects
 * exactly these digit strings (of any length):
 *
 * - one digit repeated: `0000`, `1111`, `777777`;
 * - a straight run, each digit one more or one less than the previous, without wrapping from
 *   9 to 0: `1234`, `3456`, `012345`, `4321`, `987654` (but `8901` and `7890` are allowed);
 * - a repeated pair of two digits: `1212`, `121212`, `9090`, and odd lengths such as `12121`.
 *
 * Anything that is not only ASCII digits, and the empty string, answers `false` (not trivial)
 * because it is invalid for another reason; one or two digits are always trivial.
 *
 * @example
 * isTrivialPin('1234'); // true
 * isTrivialPin('4827'); // false
 */
export function isTrivialPin(pin: string): boolean {
  if (!/^[0-9]+$/.test(pin)) return false;
  const digits = [...pin].map(Number);
  const allSame = digits.every((d) => d === digits[0]);
  const run = (step: number) =>
    digits.every((d, i) => i === 0 || d - (digits[i - 1] ?? 0) === step);
  // "ABAB…": each digit equals the one two places before it (all-same is a special case).
  const pairRepeat = digits.every((d, i) => i < 2 || d === digits[i - 2]);
  return allSame || run(1) || run(-1) || pairRepeat;
}
