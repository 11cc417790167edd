import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { JSONWebKeySet } from 'jose';
import { isOriginPattern } from '../card-frame/csp.js';
import type { SettleOptions } from '../config.js';
import { createVault } from '../crypto/vault.js';
import type { Store } from '../store/store.js';
import { antiFraudFromEnv } from './anti-fraud-env.js';
import { type DevSecrets, loadDevSecrets } from './dev-keys.js';
import { openPgStore, pgTarget } from './pg-store.js';
import { openSqliteStore } from './sqlite-store.js';
import { unknownSettings } from './unknown-settings.js';

type Env = Record<string, string | undefined>;

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const required = (env: Env, name: string) => {
  const value = env[name];
  if (!value) throw new Error(`${name} must be set in production (see docs/operations.md).`);
  return value;
};

/** Secret keys: `sk_` and enough characters that they cannot be guessed. */
function secretKeys(value: string): string[] {
  const keys = list(value);
  if (keys.length === 0 || keys.some((key) => !/^sk_[\x21-\x7e]{16,}$/.test(key))) {
    throw new Error(
      'SETTLE_SECRET_KEYS must be comma-separated keys of `sk_` and at least 16 more characters, e.g. `sk_live_` + 32 random base64url characters.',
    );
  }
  return keys;
}

function hashSecret(value: string): string {
  if (value.length < 16) {
    throw new Error(
      'SETTLE_HASH_SECRET must be at least 16 characters: use 32 random bytes in base64 (see docs/operations.md).',
    );
  }
  return value;
}

/** Origins of the chat app, checked now rather than failing each request that needs them. */
function allowedOrigins(value: string, production: boolean): string[] {
  const origins = list(value);
  if (production && origins.length === 0) required({}, 'SETTLE_ALLOWED_ORIGINS');
  const wrong = origins.find((origin) => !isOriginPattern(origin));
  if (wrong !== undefined) {
    throw new Error(
      `SETTLE_ALLOWED_ORIGINS: "${wrong}" is not an origin. Write scheme://host or scheme://host:port (no path, no trailing slash), or scheme://host:* for any port.`,
    );
  }
  return origins;
}

/** The platform's public keys: a JWKS with at least one key, or every token would be a 401. */
function platformJwks(value: string): JSONWebKeySet {
  let jwks: JSONWebKeySet;
  try {
    jwks = JSON.parse(value);
  } catch {
    throw new Error('SETTLE_PLATFORM_JWKS must be JSON: {"keys":[…]}.');
  }
  if (!Array.isArray(jwks?.keys) || jwks.keys.length === 0) {
    throw new Error('SETTLE_PLATFORM_JWKS must hold at least one key: {"keys":[…]}.');
  }
  return jwks;
}

/** A whole number setting from `min` to `max`, or `undefined` when not set. */
function count(name: string, value: string | undefined, min: number, max: number) {
  if (value === undefined || value === '') return undefined;
  const n = /^\d{1,6}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max))
    throw new Error(`${name} must be a whole number from ${min} to ${max}.`);
  return n;
}

/**
 * `SETTLE_VAULT_KEYS` (`kid1:base64,kid2:base64`) and `SETTLE_VAULT_ACTIVE_KEY`, checked here
 * (as `createApp` would) so that the message names the variable to fix.
 */
function vault(keysValue: string, activeKeyId: string): SettleOptions['vault'] {
  const keys = Object.fromEntries(
    list(keysValue).map((pair) => {
      const at = pair.indexOf(':');
      if (at < 1) throw new Error('SETTLE_VAULT_KEYS must look like `keyId:base64,...`.');
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  for (const [keyId, key] of Object.entries(keys)) {
    try {
      createVault({ keys: { [keyId]: key }, activeKeyId: keyId });
    } catch (error) {
      // The vault's own words name the key and never show it: only the variable is added.
      throw new Error(
        `SETTLE_VAULT_KEYS: ${(error as Error).message.replace(' (generateVaultKey())', '')} Make one with node -e "console.log(crypto.randomBytes(32).toString('base64'))".`,
      );
    }
  }
  if (!Object.hasOwn(keys, activeKeyId)) {
    throw new Error(
      `SETTLE_VAULT_ACTIVE_KEY is "${activeKeyId.slice(0, 64)}", which is not a key id of SETTLE_VAULT_KEYS (${Object.keys(keys).join(', ')}).`,
    );
  }
  return { keys, activeKeyId };
}

/**
 * `SETTLE_WEBHOOK_URL` and `SETTLE_WEBHOOK_SECRET`, both or neither; the secret may be a
 * comma-separated list while one replaces another (every message is signed with each).
 */
function webhooks(env: Env): SettleOptions['webhooks'] {
  const url = env.SETTLE_WEBHOOK_URL;
  const secrets = env.SETTLE_WEBHOOK_SECRET?.split(',')
    .map((secret) => secret.trim())
    .filter(Boolean);
  if (!url && !secrets?.length) return undefined;
  if (!url || !secrets?.length) {
    throw new Error('Set both SETTLE_WEBHOOK_URL and SETTLE_WEBHOOK_SECRET, or neither.');
  }
  if (!/^https?:$/.test(URL.parse(url)?.protocol ?? '')) {
    throw new Error('SETTLE_WEBHOOK_URL must be an http(s) URL.');
  }
  for (const secret of secrets) {
    const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : undefined;
    if (!key || key.length < 24 || key.length > 64) {
      throw new Error(
        'SETTLE_WEBHOOK_SECRET must be `whsec_` + base64 of 24 to 64 random bytes (several: comma-separated).',
      );
    }
  }
  return { url, secret: secrets.length === 1 ? (secrets[0] as string) : secrets };
}

/**
 * The embedded store in the data folder, or PostgreSQL when `DATABASE_URL` is set, in the
 * schema `SETTLE_PG_SCHEMA` (created if missing) when that is set too.
 */
export async function openStore(
  dataDir: string,
  env: Env = process.env,
  { existing = false }: { existing?: boolean } = {},
): Promise<Store> {
  if (env.DATABASE_URL) {
    const store = await openPgStore({
      connectionString: env.DATABASE_URL,
      ...(env.SETTLE_PG_SCHEMA ? { schema: env.SETTLE_PG_SCHEMA } : {}),
    });
    // The same trap on PostgreSQL: another database, or a misspelt SETTLE_PG_SCHEMA.
    const found = existing
      ? await store.get<{ t: string | null }>("SELECT to_regclass('settle_migrations')::text AS t")
      : undefined;
    if (existing && !found?.t) {
      await store.close();
      throw new Error(
        `No Settle database in ${storeName(dataDir, env)}: use the DATABASE_URL and SETTLE_PG_SCHEMA of settle serve.`,
      );
    }
    return store;
  }
  const file = join(dataDir, 'settle.db');
  // A command that reads what `settle serve` wrote, run from another folder or without
  // DATABASE_URL, would otherwise make an empty store and report on it ("no card holds k1").
  if (existing && !existsSync(file)) {
    throw new Error(
      `No Settle database at ${file}: run this where settle serve runs, with its --data (or SETTLE_DATA), or set DATABASE_URL for PostgreSQL.`,
    );
  }
  await mkdir(dataDir, { recursive: true });
  return openSqliteStore(file);
}

/** Which store `openStore` opens, for commands to say what they looked at (no password). */
export function storeName(dataDir: string, env: Env = process.env): string {
  if (!env.DATABASE_URL) return `the embedded store ${join(dataDir, 'settle.db')}`;
  const schema = env.SETTLE_PG_SCHEMA ? `, schema ${env.SETTLE_PG_SCHEMA}` : '';
  return `PostgreSQL at ${pgTarget(env.DATABASE_URL)}${schema}`;
}

/**
 * `NODE_ENV=production`, or dev mode when unset, `development` or `test`. Any other value is
 * refused: a typo (`prod`, `Production`) would otherwise start a production deployment in dev
 * mode, with `/dev/sms` handing out every SMS code.
 */
export function isProduction(env: Env = process.env): boolean {
  const mode = env.NODE_ENV;
  if (mode === 'production') return true;
  if (!mode || mode === 'development' || mode === 'test') return false;
  throw new Error(
    `NODE_ENV is "${mode.slice(0, 40)}": set NODE_ENV=production in production, or leave it unset (or development) for dev mode, where dev routes are on.`,
  );
}

/**
 * Options for `createApp` from the environment. Outside production, whatever is not
 * configured comes from the dev secrets in the data folder; with `NODE_ENV=production`
 * everything must be configured, and the dev key and dev routes are off.
 */
export async function optionsFromEnv(
  store: Store,
  dataDir: string,
  env: Env = process.env,
): Promise<SettleOptions> {
  const log = (line: Record<string, unknown>) =>
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`);
  // Before any setting is refused: the misspelt name may be why.
  for (const unknown of unknownSettings(env)) {
    log({ event: 'setting.unknown', ...unknown, reason: 'Not a Settle setting: ignored.' });
  }
  const production = isProduction(env);
  const dev = production ? undefined : await loadDevSecrets(dataDir);
  /** The variable, else the dev value; in production the variable is required. */
  const setting = (name: string, devValue: (d: DevSecrets) => string) =>
    env[name] || (dev ? devValue(dev) : required(env, name));

  const jwksUrl = env.SETTLE_PLATFORM_JWKS_URL;
  if (jwksUrl !== undefined && !/^https?:$/.test(URL.parse(jwksUrl)?.protocol ?? '')) {
    throw new Error('SETTLE_PLATFORM_JWKS_URL must be an http(s) URL.');
  }
  // Both set, the inline keys would win silently: a rotation published at the URL would
  // never be seen.
  if (env.SETTLE_PLATFORM_JWKS && jwksUrl) {
    throw new Error(
      'Set SETTLE_PLATFORM_JWKS or SETTLE_PLATFORM_JWKS_URL, not both: remove the one you no longer use.',
    );
  }
  if (production && !env.SETTLE_PLATFORM_JWKS && !jwksUrl) {
    throw new Error(
      'SETTLE_PLATFORM_JWKS (your public keys as a JWKS) or SETTLE_PLATFORM_JWKS_URL (where to fetch them) must be set in production (see docs/operations.md).',
    );
  }
  const jwks = jwksUrl
    ? undefined
    : platformJwks(setting('SETTLE_PLATFORM_JWKS', (d) => JSON.stringify({ keys: [d.publicJwk] })));
  const vaultKeysSetting = setting('SETTLE_VAULT_KEYS', (d) => `${d.vaultKeyId}:${d.vaultKey}`);

  return {
    store,
    platform: {
      id: setting('SETTLE_PLATFORM_ID', (d) => d.platformId),
      ...(jwks ? { jwks } : {}),
      ...(jwksUrl ? { jwksUrl } : {}),
      secretKeys: secretKeys(setting('SETTLE_SECRET_KEYS', (d) => d.secretKey)),
    },
    allowedOrigins: allowedOrigins(
      env.SETTLE_ALLOWED_ORIGINS ?? (production ? '' : 'http://localhost:*,http://127.0.0.1:*'),
      production,
    ),
    vault: vault(
      vaultKeysSetting,
      setting('SETTLE_VAULT_ACTIVE_KEY', (d) => d.vaultKeyId),
    ),
    hashSecret: hashSecret(setting('SETTLE_HASH_SECRET', (d) => d.hashSecret)),
    sandboxLatencyMs:
      count('SETTLE_SANDBOX_LATENCY_MS', env.SETTLE_SANDBOX_LATENCY_MS, 0, 999_999) ?? 0,
    cardTokensPerMinute: count(
      'SETTLE_CARD_TOKENS_PER_MINUTE',
      env.SETTLE_CARD_TOKENS_PER_MINUTE,
      1,
      100_000,
    ),
    trustedProxies: count('SETTLE_TRUSTED_PROXIES', env.SETTLE_TRUSTED_PROXIES, 0, 10),
    webhooks: webhooks(env),
    ...antiFraudFromEnv(env),
    dev: !production,
    log,
  };
}
