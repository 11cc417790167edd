import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { DEV_PLATFORM_ID } from '../auth/user-token.js';
import { generateVaultKey } from '../crypto/vault.js';

/** Secrets of a dev server, generated once in its data folder (mode 0600). */
export interface DevSecrets {
  platformId: string;
  /** The dev platform's ES256 key pair: `settle token` signs with it. */
  privateJwk: JWK;
  publicJwk: JWK;
  secretKey: string;
  vaultKeyId: string;
  vaultKey: string;
  hashSecret: string;
}

const FILE = 'dev-secrets.json';

export async function loadDevSecrets(dataDir: string): Promise<DevSecrets> {
  const path = join(dataDir, FILE);
  try {
    return JSON.parse(await readFile(path, 'utf8')) as DevSecrets;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `dev-${randomBytes(4).toString('hex')}`;
  const secrets: DevSecrets = {
    platformId: DEV_PLATFORM_ID,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
    secretKey: `sk_dev_${randomBytes(24).toString('base64url')}`,
    vaultKeyId: 'dev-1',
    vaultKey: generateVaultKey(),
    hashSecret: randomBytes(32).toString('base64url'),
  };
  await mkdir(dataDir, { recursive: true });
  // `wx`: if another process created it meanwhile, fail and read theirs.
  try {
    await writeFile(path, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadDevSecrets(dataDir);
    throw error;
  }
  return secrets;
}

/**
 * A user token for `userId`, signed by the dev platform key, as a chat app's server
 * would mint it.
 *
 * @example
 * const token = await mintDevToken(await loadDevSecrets('.settle'), 'alice');
 */
export async function mintDevToken(
  secrets: DevSecrets,
  userId: string,
  ttlSeconds = 3600,
): Promise<string> {
  const key = await importJWK(secrets.privateJwk, 'ES256');
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: secrets.privateJwk.kid as string, typ: 'JWT' })
    .setIssuer(secrets.platformId)
    .setAudience('settle')
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(`${Math.min(ttlSeconds, 3600)}s`)
    .sign(key);
}
