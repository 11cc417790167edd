type Env = Record<string, string | undefined>;

/** Every `SETTLE_*` variable the `settle` commands read (docs/operations.md, development.md). */
const SETTINGS = [
  'SETTLE_ALLOWED_ORIGINS',
  'SETTLE_CARD_TOKENS_PER_MINUTE',
  'SETTLE_DATA',
  'SETTLE_HASH_SECRET',
  'SETTLE_LIMITS',
  'SETTLE_PG_SCHEMA',
  'SETTLE_PLATFORM_ID',
  'SETTLE_PLATFORM_JWKS',
  'SETTLE_PLATFORM_JWKS_URL',
  'SETTLE_PORT',
  'SETTLE_RISK',
  'SETTLE_SANDBOX_LATENCY_MS',
  'SETTLE_SECRET_KEYS',
  'SETTLE_TEST_DATABASE_URL',
  'SETTLE_TRUSTED_PROXIES',
  'SETTLE_VAULT_ACTIVE_KEY',
  'SETTLE_VAULT_KEYS',
  'SETTLE_WEBHOOK_SECRET',
  'SETTLE_WEBHOOK_URL',
];

/** Levenshtein distance: the edits (insert, delete, replace) from `a` to `b`. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const replace = (row[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      next[j] = Math.min(replace, (row[j] as number) + 1, (next[j - 1] as number) + 1);
    }
    row = next;
  }
  return row[b.length] as number;
}

/**
 * `SETTLE_*` variables that are no setting, each with the one it most likely misspells: a typo
 * in an optional setting (`SETTLE_TRUSTED_PROXY`) would otherwise be ignored without a word.
 */
export function unknownSettings(env: Env): { name: string; didYouMean?: string }[] {
  return Object.keys(env)
    .filter((name) => name.startsWith('SETTLE_') && !SETTINGS.includes(name))
    .map((name) => {
      const [closest] = SETTINGS.map((known) => ({ known, d: distance(name, known) })).sort(
        (x, y) => x.d - y.d,
      );
      return closest && closest.d <= 4 ? { name, didYouMean: closest.known } : { name };
    });
}
