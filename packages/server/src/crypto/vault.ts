/**
 * Encryption at rest for card numbers: AES-256-GCM, one random IV per value, the record's id
 * as additional authenticated data, and the key id stored with the ciphertext so keys can be
 * rotated without re-encrypting every row at once. Through node:crypto, synchronously: each
 * transfer opens two card numbers, and WebCrypto's round trip through the thread pool cost
 * more than the decryption. The format is WebCrypto's (tag after the ciphertext).
 */
import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  type KeyObject,
  randomBytes,
} from 'node:crypto';

/** Configuration of a vault: every key that may still open data, and the one that seals. */
export interface VaultOptions {
  /** Key id (letters, digits, `_`, `-`) to base64 of 32 random bytes (`generateVaultKey`). */
  keys: Record<string, string>;
  /** The key new values are sealed under; older keys stay in `keys` until nothing uses them. */
  activeKeyId: string;
}

/** Seals and opens strings. Sealed values look like `v1.<keyId>.<iv>.<ciphertext+tag>`. */
export interface Vault {
  activeKeyId: string;
  /** Encrypts `plaintext` bound to `aad` (for example the card id); `open` needs the same `aad`. */
  seal(plaintext: string, aad: string): Promise<string>;
  /** Decrypts a value from `seal`. Throws on an unknown key, tampering or a different `aad`. */
  open(sealed: string, aad: string): Promise<string>;
}

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
// Key ids end up inside the dot-separated sealed format, so they cannot contain dots.
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

const ALGORITHM = 'aes-256-gcm';
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Strict decoding: Node's decoder skips junk and ignores spare bits, so re-encode to compare. */
function fromBase64Url(text: string): Uint8Array | undefined {
  if (!BASE64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? new Uint8Array(bytes) : undefined;
}

function decodeKey(keyId: string, value: unknown): Uint8Array {
  const bytes =
    typeof value === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(value)
      ? Buffer.from(value, 'base64')
      : undefined;
  if (bytes?.length !== KEY_BYTES) {
    // The message names the key but never shows its value.
    throw new Error(
      `Vault key "${keyId}" must be the base64 of ${KEY_BYTES} random bytes (generateVaultKey()).`,
    );
  }
  return new Uint8Array(bytes);
}

/** A sealed value names a key that is not (or no longer) configured: it was removed too early. */
export class VaultKeyMissing extends Error {
  override name = 'VaultKeyMissing';
  constructor(readonly keyId: string) {
    super(`Vault: unknown key id "${keyId}"; was it removed too early?`);
  }
}

/** Thrown for every failure to open, so the cause (key, tag or AAD) is not an oracle. */
function openError(): Error {
  return new Error('Vault: cannot open this value (wrong key, wrong AAD or tampered data).');
}

/**
 * Creates a vault from its keys. The options are checked here, so a misconfigured server fails
 * at start-up rather than on the first card.
 *
 * @throws Error when `activeKeyId` is not in `keys`, a key id is invalid or a key is not 32 bytes.
 * @example
 * const keys = { k2025: process.env.SETTLE_VAULT_KEY ?? '' };
 * const vault = createVault({ keys, activeKeyId: 'k2025' });
 * const sealed = await vault.seal('4000002500000003', 'card_123');
 * await vault.open(sealed, 'card_123'); // '4000002500000003'
 */
export function createVault(options: VaultOptions): Vault {
  const { keys, activeKeyId } = options;
  // Key objects are made once: building one from bytes cost as much as a decryption.
  const raw = new Map<string, KeyObject>();
  for (const [keyId, value] of Object.entries(keys)) {
    if (!KEY_ID.test(keyId)) {
      throw new Error(
        `Vault key id "${keyId}" is invalid: use 1 to 64 letters, digits, "_" or "-".`,
      );
    }
    raw.set(keyId, createSecretKey(decodeKey(keyId, value)));
  }
  if (!raw.has(activeKeyId)) {
    throw new Error(`Vault active key "${activeKeyId}" is not one of the configured keys.`);
  }

  return {
    activeKeyId,

    async seal(plaintext, aad) {
      const key = raw.get(activeKeyId);
      // Unreachable: createVault checked that the active key is configured.
      if (!key) throw new Error(`Vault active key "${activeKeyId}" is missing.`);
      // A fresh random 96-bit IV per value: GCM must never reuse an IV under the same key.
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(aad));
      const data = Buffer.concat([
        cipher.update(plaintext, 'utf8'),
        cipher.final(),
        cipher.getAuthTag(),
      ]);
      return `${VERSION}.${activeKeyId}.${iv.toString('base64url')}.${data.toString('base64url')}`;
    },

    async open(sealed, aad) {
      const parts = sealed.split('.');
      if (parts.length !== 4 || parts[0] !== VERSION) {
        throw new Error(`Vault: not a sealed value (expected "${VERSION}.<keyId>.<iv>.<data>").`);
      }
      const [, keyId = '', ivText = '', dataText = ''] = parts;
      const key = KEY_ID.test(keyId) ? raw.get(keyId) : undefined;
      if (!key) throw new VaultKeyMissing(keyId.slice(0, 64));
      const iv = fromBase64Url(ivText);
      const data = fromBase64Url(dataText);
      if (iv?.length !== IV_BYTES || !data || data.length < TAG_BYTES) throw openError();
      try {
        const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(aad));
        decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
        const plaintext = Buffer.concat([
          decipher.update(data.subarray(0, data.length - TAG_BYTES)),
          decipher.final(),
        ]);
        return decoder.decode(plaintext);
      } catch {
        throw openError();
      }
    },
  };
}

/**
 * Generates a new vault key: base64 of 32 bytes from the system's CSPRNG.
 *
 * @example
 * const keys = { ...currentKeys, k2026: generateVaultKey() };
 * const vault = createVault({ keys, activeKeyId: 'k2026' });
 */
export function generateVaultKey(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(KEY_BYTES))).toString('base64');
}
