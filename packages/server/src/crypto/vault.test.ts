import { describe, expect, it } from 'vitest';
import { createVault, generateVaultKey } from './vault.js';

const PAN = '4000002500000003';
const k1 = generateVaultKey();
const k2 = generateVaultKey();

/** Flips one bit of one byte of the base64url segment at `index` of a sealed value. */
function flipByte(sealed: string, index: number, byte: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index] ?? '', 'base64url');
  bytes[byte] = (bytes[byte] ?? 0) ^ 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('generateVaultKey', () => {
  it('returns the base64 of 32 fresh random bytes', () => {
    expect(Buffer.from(k1, 'base64')).toHaveLength(32);
    expect(k1).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(k1).not.toBe(k2);
  });
});

describe('createVault', () => {
  it('seals and opens a card number with the same AAD', async () => {
    const vault = createVault({ keys: { k1 }, activeKeyId: 'k1' });
    const sealed = await vault.seal(PAN, 'card_1');
    expect(await vault.open(sealed, 'card_1')).toBe(PAN);
  });

  it('keeps WebCrypto’s AES-GCM format: opens values sealed by earlier versions, and back', async () => {
    const key = Buffer.alloc(32, 7);
    const vault = createVault({ keys: { k1: key.toString('base64') }, activeKeyId: 'k1' });
    // Sealed by the vault of earlier versions, which ran on WebCrypto.
    const earlier = 'v1.k1.XmEC1RjjhNEUv9Dm.Yi-L5gXV_H42k0XN_a2wfaPyYgq6SXRIWSCerGUMcG4';
    expect(await vault.open(earlier, 'card_compat')).toBe(PAN);
    const [, , iv = '', data = ''] = (await vault.seal(PAN, 'card_compat')).split('.');
    const webKey = await crypto.subtle.importKey('raw', key, 'AES-GCM', false, ['decrypt']);
    const opened = await crypto.subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: Buffer.from(iv, 'base64url'),
        additionalData: Buffer.from('card_compat'),
      },
      webKey,
      Buffer.from(data, 'base64url'),
    );
    expect(Buffer.from(opened).toString()).toBe(PAN);
  });

  it('produces v1.<keyId>.<iv>.<data> without the card number in it', async () => {
    const vault = createVault({ keys: { k1 }, activeKeyId: 'k1' });
    const sealed = await vault.seal(PAN, 'card_1');
    expect(sealed).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(PAN);
    expect(sealed).not.toContain('0003');
    expect(sealed).not.toContain(Buffer.from(PAN).toString('base64url'));
  });

  it('uses a new IV every time, so equal card numbers do not look equal', async () => {
    const vault = createVault({ keys: { k1 }, activeKeyId: 'k1' });
    const a = await vault.seal(PAN, 'card_1');
    const b = await vault.seal(PAN, 'card_1');
    expect(a).not.toBe(b);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
  });

  it('round-trips non-ASCII text and the empty string', async () => {
    const vault = createVault({ keys: { k1 }, activeKeyId: 'k1' });
    expect(await vault.open(await vault.seal('Zoé 💳', 'x'), 'x')).toBe('Zoé 💳');
    expect(await vault.open(await vault.seal('', 'x'), 'x')).toBe('');
  });

  it('opens values sealed under an old key after the active key rotates', async () => {
    const before = createVault({ keys: { k1 }, activeKeyId: 'k1' });
    const old = await before.seal(PAN, 'card_1');
    const after = createVault({ keys: { k1, k2 }, activeKeyId: 'k2' });
    expect(after.activeKeyId).toBe('k2');
    expect(await after.open(old, 'card_1')).toBe(PAN);
    const fresh = await after.seal(PAN, 'card_1');
    expect(fresh.startsWith('v1.k2.')).toBe(true);
    expect(await after.open(fresh, 'card_1')).toBe(PAN);
  });

  it('refuses a value whose key id is unknown', async () => {
    const vault = createVault({ keys: { k1 }, activeKeyId: 'k1' });
    const other = createVault({ keys: { k2 }, activeKeyId: 'k2' });
    const sealed = await other.seal(PAN, 'card_1');
    await expect(vault.open(sealed, 'card_1')).rejects.toThrow(/unknown key id "k2"/);
  });

  it('refuses a value sealed under another key relabelled with a known key id', async () => {
    const vault = createVault({ keys: { k1 }, activeKeyId: 'k1' });
    const other = createVault({ keys: { k1: k2 }, activeKeyId: 'k1' });
    const sealed = await other.seal(PAN, 'card_1');
    await expect(vault.open(sealed, 'card_1')).rejects.toThrow(/cannot open/);
  });

  it('refuses a value opened with a different AAD, so rows cannot swap card numbers', async () => {
    const vault = createVault({ keys: { k1 }, activeKeyId: 'k1' });
    const sealed = await vault.seal(PAN, 'card_1');
    await expect(vault.open(sealed, 'card_2')).rejects.toThrow(/cannot open/);
  });

  it('refuses a value with any tampered byte of ciphertext, tag or IV', async () => {
    const vault = createVault({ keys: { k1 }, activeKeyId: 'k1' });
    const sealed = await vault.seal(PAN, 'card_1');
    const dataLength = Buffer.from(sealed.split('.')[3] ?? '', 'base64url').length;
    for (const byte of [0, PAN.length - 1, dataLength - 1]) {
      await expect(vault.open(flipByte(sealed, 3, byte), 'card_1')).rejects.toThrow(/cannot open/);
    }
    await expect(vault.open(flipByte(sealed, 2, 0), 'card_1')).rejects.toThrow(/cannot open/);
  });

  it('refuses a value whose text was edited without changing its bytes', async () => {
    const vault = createVault({ keys: { k1 }, activeKeyId: 'k1' });
    const sealed = await vault.seal(PAN, 'card_1');
    await expect(vault.open(`${sealed}=`, 'card_1')).rejects.toThrow();
    await expect(vault.open(sealed.replace('.', '..'), 'card_1')).rejects.toThrow();
  });

  it('refuses truncated or foreign values', async () => {
    const vault = createVault({ keys: { k1 }, activeKeyId: 'k1' });
    const sealed = await vault.seal(PAN, 'card_1');
    await expect(vault.open(sealed.slice(0, -10), 'card_1')).rejects.toThrow();
    await expect(vault.open(sealed.replace(/^v1/, 'v2'), 'card_1')).rejects.toThrow(
      /not a sealed value/,
    );
    await expect(vault.open(PAN, 'card_1')).rejects.toThrow(/not a sealed value/);
    await expect(vault.open('v1.k1..', 'card_1')).rejects.toThrow(/cannot open/);
  });

  it('never puts the plaintext in its errors', async () => {
    const vault = createVault({ keys: { k1 }, activeKeyId: 'k1' });
    const sealed = await vault.seal(PAN, 'card_1');
    const error = await vault.open(sealed, 'card_2').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).not.toContain(PAN);
    expect(String((error as Error).stack)).not.toContain(PAN);
  });

  it('rejects an active key id that is not configured', () => {
    expect(() => createVault({ keys: { k1 }, activeKeyId: 'k9' })).toThrow(
      'Vault active key "k9" is not one of the configured keys.',
    );
  });

  it('rejects keys that are not 32 bytes of base64, without printing them', () => {
    const short = Buffer.alloc(16, 7).toString('base64');
    expect(() => createVault({ keys: { k1: short }, activeKeyId: 'k1' })).toThrow(
      /Vault key "k1" must be the base64 of 32 random bytes/,
    );
    expect(() => createVault({ keys: { k1: 'not base64!' }, activeKeyId: 'k1' })).toThrow(
      /Vault key "k1"/,
    );
    try {
      createVault({ keys: { k1, old: short }, activeKeyId: 'k1' });
    } catch (error) {
      expect((error as Error).message).not.toContain(short);
    }
  });

  it('rejects key ids that would break the sealed format', () => {
    expect(() => createVault({ keys: { 'k.1': k1 }, activeKeyId: 'k.1' })).toThrow(/key id/);
  });
});
