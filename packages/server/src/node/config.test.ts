import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { generateVaultKey } from '../crypto/vault.js';
import { platformKeys } from '../testing/platform.js';
import { cli } from '../testing/serve.js';
import { openTestStore, pgUrl, storeKinds } from '../testing/stores.js';
import { openStore, optionsFromEnv } from './config.js';
import { loadDevSecrets, mintDevToken } from './dev-keys.js';

const SK_A = 'sk_live_aaaaaaaaaaaaaaaaaaaaaaaa';
const SK_B = 'sk_live_bbbbbbbbbbbbbbbbbbbbbbbb';

describe('configuration from the environment', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'settle-config-'));
  const db = await openTestStore('sqlite');
  afterAll(async () => {
    await db.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('in dev, generates a platform key once, private to the owner, that signs usable tokens', async () => {
    const options = await optionsFromEnv(db.store, dir, {});
    expect(statSync(join(dir, 'dev-secrets.json')).mode & 0o777).toBe(0o600);
    expect((await loadDevSecrets(dir)).secretKey).toBe(options.platform.secretKeys[0]);
    const app = createApp(options);
    const token = await mintDevToken(await loadDevSecrets(dir), 'alice');
    const res = await app.request('/v1/account', { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect((await app.request('/dev/sms')).status).toBe(200);
  });

  it('settle token warns, on stderr only, when the server trusts other keys than the dev key', async () => {
    const token = (env: Record<string, string>) =>
      promisify(execFile)(process.execPath, [cli, 'token', 'alice', '--data', dir], {
        env: { ...process.env, ...env },
      });
    const jwks = JSON.stringify({ keys: [(await platformKeys()).publicJwk] });
    const own = await token({ SETTLE_PLATFORM_JWKS: jwks });
    expect(own.stderr).toContain('SETTLE_PLATFORM_JWKS(_URL) is set');
    expect(own.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect((await token({})).stderr).toBe('');
  });

  it('says why a dev token is refused: a server with your own keys, or another data folder', async () => {
    const refusal = async (env: Record<string, string>, dataDir: string) => {
      const app = createApp(await optionsFromEnv(db.store, dataDir, env));
      const token = await mintDevToken(await loadDevSecrets(dir), 'alice');
      const res = await app.request('/v1/account', {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(401);
      return ((await res.json()) as { error: { message: string } }).error.message;
    };
    // The quickstart's server, and `npx settle token` run beside it.
    const jwks = JSON.stringify({ keys: [(await platformKeys()).publicJwk] });
    expect(
      await refusal({ SETTLE_PLATFORM_ID: 'chat.example', SETTLE_PLATFORM_JWKS: jwks }, dir),
    ).toBe(
      "No platform key matches the token: `settle token` signs with the dev key, and this server trusts only your platform's keys. Sign user tokens with your own key.",
    );
    const other = mkdtempSync(join(tmpdir(), 'settle-config-other-'));
    try {
      expect(await refusal({}, other)).toMatch(
        /Run `settle token` with the --data of `settle serve`/,
      );
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('in production, refuses to start without configured keys, naming both ways to give them', async () => {
    await expect(optionsFromEnv(db.store, dir, { NODE_ENV: 'production' })).rejects.toThrow(
      /^SETTLE_PLATFORM_JWKS \(.*\) or SETTLE_PLATFORM_JWKS_URL \(.*\) must be set in production/,
    );
  });

  it('refuses inline platform keys beside a JWKS URL, whose rotations would go unseen', async () => {
    const jwks = JSON.stringify({ keys: [(await platformKeys()).publicJwk] });
    await expect(
      optionsFromEnv(db.store, dir, {
        SETTLE_PLATFORM_JWKS: jwks,
        SETTLE_PLATFORM_JWKS_URL: 'https://chat.example/.well-known/jwks.json',
      }),
    ).rejects.toThrow('Set SETTLE_PLATFORM_JWKS or SETTLE_PLATFORM_JWKS_URL, not both');
  });

  it('in production, uses only the configured keys: no dev key, no dev routes', async () => {
    const keys = await platformKeys();
    const options = await optionsFromEnv(db.store, dir, {
      NODE_ENV: 'production',
      SETTLE_PLATFORM_ID: 'chat.example',
      SETTLE_PLATFORM_JWKS: JSON.stringify({ keys: [keys.publicJwk] }),
      SETTLE_SECRET_KEYS: `${SK_A},${SK_B}`,
      SETTLE_VAULT_KEYS: `old:${generateVaultKey()},new:${generateVaultKey()}`,
      SETTLE_VAULT_ACTIVE_KEY: 'new',
      SETTLE_HASH_SECRET: 'hash-secret-of-32-characters-ok',
      SETTLE_ALLOWED_ORIGINS: 'https://chat.example',
    });
    expect(options.platform.secretKeys).toEqual([SK_A, SK_B]);
    expect(options.vault.activeKeyId).toBe('new');
    expect(options.dev).toBe(false);
    const app = createApp(options);
    const devToken = await mintDevToken(await loadDevSecrets(dir), 'alice');
    const res = await app.request('/v1/account', {
      headers: { Authorization: `Bearer ${devToken}` },
    });
    expect(res.status).toBe(401);
    expect((await app.request('/dev/sms')).status).toBe(404);
  });

  it('names a SETTLE_ variable that is no setting, with the one it likely misspells', async () => {
    // A typo in an optional setting is otherwise ignored: here, no proxy is trusted.
    const serve = promisify(execFile)(process.execPath, [cli, 'serve', '--data', dir], {
      env: { ...process.env, NODE_ENV: 'production', SETTLE_TRUSTED_PROXY: '1' },
    });
    const failed = await serve.then(
      () => undefined,
      (error: { stdout: string; stderr: string }) => error,
    );
    expect(failed?.stderr).toMatch(/^settle: SETTLE_PLATFORM_JWKS/);
    const lines = (failed?.stdout ?? '').split('\n').filter(Boolean);
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({
        event: 'setting.unknown',
        name: 'SETTLE_TRUSTED_PROXY',
        didYouMean: 'SETTLE_TRUSTED_PROXIES',
      }),
    );
  });

  it('refuses a NODE_ENV it does not know rather than start in dev mode, with /dev/sms on', async () => {
    for (const mode of ['prod', 'Production', 'staging']) {
      await expect(optionsFromEnv(db.store, dir, { NODE_ENV: mode })).rejects.toThrow(
        `NODE_ENV is "${mode}": set NODE_ENV=production in production`,
      );
    }
    for (const mode of ['development', 'test', '']) {
      expect((await optionsFromEnv(db.store, dir, { NODE_ENV: mode })).dev).toBe(true);
    }
  });

  it('in production, needs the chat app origins', async () => {
    const keys = await platformKeys();
    const production = {
      NODE_ENV: 'production',
      SETTLE_PLATFORM_ID: 'chat.example',
      SETTLE_PLATFORM_JWKS: JSON.stringify({ keys: [keys.publicJwk] }),
      SETTLE_SECRET_KEYS: SK_A,
      SETTLE_VAULT_KEYS: `k1:${generateVaultKey()}`,
      SETTLE_VAULT_ACTIVE_KEY: 'k1',
      SETTLE_HASH_SECRET: 'hash-secret-of-32-characters-ok',
    };
    await expect(optionsFromEnv(db.store, dir, production)).rejects.toThrow(
      /SETTLE_ALLOWED_ORIGINS must be set in production/,
    );
    const options = await optionsFromEnv(db.store, dir, {
      ...production,
      SETTLE_ALLOWED_ORIGINS: 'https://chat.example, http://localhost:*',
    });
    expect(options.allowedOrigins).toEqual(['https://chat.example', 'http://localhost:*']);
  });

  it('takes the webhook URL and secret together, and refuses a malformed secret', async () => {
    const secret = `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`;
    const url = 'https://chat.example/settle-webhooks';
    const options = await optionsFromEnv(db.store, dir, {
      SETTLE_WEBHOOK_URL: url,
      SETTLE_WEBHOOK_SECRET: secret,
    });
    expect(options.webhooks).toEqual({ url, secret });
    expect((await optionsFromEnv(db.store, dir, {})).webhooks).toBeUndefined();
    await expect(optionsFromEnv(db.store, dir, { SETTLE_WEBHOOK_URL: url })).rejects.toThrow(
      /SETTLE_WEBHOOK_SECRET/,
    );
    await expect(
      optionsFromEnv(db.store, dir, { SETTLE_WEBHOOK_URL: url, SETTLE_WEBHOOK_SECRET: 'hunter2' }),
    ).rejects.toThrow(/whsec_/);
    // During a rotation: both secrets, and each is checked.
    const next = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    expect(
      (
        await optionsFromEnv(db.store, dir, {
          SETTLE_WEBHOOK_URL: url,
          SETTLE_WEBHOOK_SECRET: `${next}, ${secret}`,
        })
      ).webhooks,
    ).toEqual({ url, secret: [next, secret] });
    await expect(
      optionsFromEnv(db.store, dir, {
        SETTLE_WEBHOOK_URL: url,
        SETTLE_WEBHOOK_SECRET: `${secret},whsec_c2hvcnQ=`,
      }),
    ).rejects.toThrow(/24 to 64/);
    await expect(
      optionsFromEnv(db.store, dir, {
        SETTLE_WEBHOOK_URL: 'ftp://x',
        SETTLE_WEBHOOK_SECRET: secret,
      }),
    ).rejects.toThrow(/http/);
  });

  it('reads the card-token limit and the proxies in front from the environment', async () => {
    expect(await optionsFromEnv(db.store, dir, {})).toMatchObject({
      cardTokensPerMinute: undefined,
      trustedProxies: undefined,
    });
    const options = await optionsFromEnv(db.store, dir, {
      SETTLE_CARD_TOKENS_PER_MINUTE: '5',
      SETTLE_TRUSTED_PROXIES: '1',
    });
    expect(options).toMatchObject({ cardTokensPerMinute: 5, trustedProxies: 1 });
    // Behind the proxy, each client has its own allowance, from its X-Forwarded-For entry.
    const app = createApp(options);
    const tokenize = (client: string) =>
      app.request('/v1/card-tokens', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': client },
        body: JSON.stringify({
          number: '4000002500000003',
          expMonth: 12,
          expYear: 2099,
          cvc: '123',
        }),
      });
    for (let i = 0; i < 5; i++) expect((await tokenize('203.0.113.7')).status).toBe(201);
    expect((await tokenize('203.0.113.7')).status).toBe(429);
    expect((await tokenize('203.0.113.8')).status).toBe(201);
  });

  it('applies per-country limits from SETTLE_LIMITS and thresholds from SETTLE_RISK', async () => {
    const options = await optionsFromEnv(db.store, dir, {
      SETTLE_LIMITS: '{"FR":{"perTransfer":30000},"GB":{"rolling30Days":90000}}',
      SETTLE_RISK: '{"velocityReview":5}',
    });
    expect(options.risk).toEqual({ velocityReview: 5 });
    const app = createApp(options);
    const token = await mintDevToken(await loadDevSecrets(dir), 'limited');
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    await app.request('/v1/account/profile', {
      method: 'PUT',
      headers,
      body: JSON.stringify({ legalName: 'Lima Ited', country: 'FR', phone: '+33612345670' }),
    });
    const account = (await (await app.request('/v1/account', { headers })).json()) as {
      limits: unknown;
    };
    // The user sees the limits the server applies: the override, and the defaults beside it.
    expect(account.limits).toMatchObject({
      perTransfer: { value: 30000, currency: 'EUR' },
      rolling30Days: { value: 150000, currency: 'EUR' },
    });
  });

  it.each([
    ['SETTLE_LIMITS', 'not json', /SETTLE_LIMITS must be JSON/],
    ['SETTLE_LIMITS', '{"XX":{"perTransfer":100}}', /SETTLE_LIMITS is not valid/],
    ['SETTLE_LIMITS', '{"FR":{"perTransfer":-5}}', /perTransfer/],
    ['SETTLE_LIMITS', '{"FR":{"perTransfer":12.5}}', /perTransfer/],
    ['SETTLE_LIMITS', '{"FR":{"perTransfr":100}}', /perTransfr/],
    ['SETTLE_RISK', '{"velocityReview":"5"}', /velocityReview/],
    ['SETTLE_PLATFORM_JWKS', '{keys:', /SETTLE_PLATFORM_JWKS must be JSON/],
    ['SETTLE_PLATFORM_JWKS', '{"keys":[]}', /at least one key/],
    ['SETTLE_PLATFORM_JWKS_URL', 'notaurl', /SETTLE_PLATFORM_JWKS_URL must be an http\(s\) URL/],
    ['SETTLE_SANDBOX_LATENCY_MS', 'abc', /SETTLE_SANDBOX_LATENCY_MS must be a whole number/],
    ['SETTLE_CARD_TOKENS_PER_MINUTE', '0', /SETTLE_CARD_TOKENS_PER_MINUTE must be a whole number/],
    ['SETTLE_CARD_TOKENS_PER_MINUTE', '2.5', /SETTLE_CARD_TOKENS_PER_MINUTE must be a whole/],
    ['SETTLE_TRUSTED_PROXIES', '-1', /SETTLE_TRUSTED_PROXIES must be a whole number from 0 to 10/],
    ['SETTLE_TRUSTED_PROXIES', 'yes', /SETTLE_TRUSTED_PROXIES must be a whole number/],
    ['SETTLE_SECRET_KEYS', 'abc', /SETTLE_SECRET_KEYS must be .*`sk_`/],
    ['SETTLE_SECRET_KEYS', `${SK_A},sk_short`, /SETTLE_SECRET_KEYS/],
    ['SETTLE_HASH_SECRET', 'x', /SETTLE_HASH_SECRET must be at least 16/],
    [
      'SETTLE_VAULT_KEYS',
      'k1:abc',
      /^SETTLE_VAULT_KEYS: Vault key "k1" must be the base64 of 32 random bytes\. Make one with node -e/,
    ],
    ['SETTLE_VAULT_KEYS', 'k1', /SETTLE_VAULT_KEYS must look like `keyId:base64,...`/],
    [
      'SETTLE_VAULT_ACTIVE_KEY',
      'k2',
      /^SETTLE_VAULT_ACTIVE_KEY is "k2", which is not a key id of SETTLE_VAULT_KEYS \(dev-1\)\.$/,
    ],
    [
      'SETTLE_ALLOWED_ORIGINS',
      'https://chat.example/app',
      /"https:\/\/chat.example\/app" is not an origin/,
    ],
    ['SETTLE_ALLOWED_ORIGINS', 'https://chat.example/', /is not an origin/],
    ['SETTLE_ALLOWED_ORIGINS', 'chat.example', /is not an origin/],
  ])('refuses to start with %s=%s, saying what is wrong', async (name, value, message) => {
    await expect(optionsFromEnv(db.store, dir, { [name]: value })).rejects.toThrow(message);
  });

  it.runIf((await storeKinds()).includes('postgres'))(
    'opens PostgreSQL in the schema SETTLE_PG_SCHEMA names, creating it',
    async () => {
      const schema = `settle_cfg_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
      const store = await openStore(dir, { DATABASE_URL: pgUrl, SETTLE_PG_SCHEMA: schema });
      try {
        await store.migrate();
        const row = await store.get<{ schema: string }>(
          "SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'transfers' AND table_schema = ?",
          [schema],
        );
        expect(row?.schema).toBe(schema);
      } finally {
        await store.run(`DROP SCHEMA ${schema} CASCADE`);
        await store.close();
      }
    },
  );
});
