import { unprocessable } from '../http/errors.js';
import type { Sql, Store } from '../store/store.js';
import { type AssistantPreferencesChange, MAX_LIST, MAX_PROVIDERS } from './schemas.js';

/** The user's assistant choices (SPEC: Assistant), as stored. */
export interface Preferences {
  enabled: boolean;
  providers: Record<string, 'on' | 'off'>;
  mutedConversations: string[];
  neverKinds: string[];
}

interface PreferencesRow {
  data: string;
  version: number;
  updated_at: number;
}

const defaults: Preferences = {
  enabled: true,
  providers: {},
  mutedConversations: [],
  neverKinds: [],
};

async function read(sql: Sql, userId: string) {
  const row = await sql.get<PreferencesRow>(
    'SELECT data, version, updated_at FROM assistant_preferences WHERE user_id = ?',
    [userId],
  );
  const preferences: Preferences = row ? JSON.parse(row.data) : defaults;
  return { preferences, version: Number(row?.version ?? 0), updatedAt: row?.updated_at ?? null };
}

const view = ({ preferences, version, updatedAt }: Awaited<ReturnType<typeof read>>) => ({
  ...preferences,
  version,
  updatedAt: updatedAt === null ? null : new Date(Number(updatedAt)).toISOString(),
});

export const getPreferences = async (sql: Sql, userId: string) => view(await read(sql, userId));

/** Adds (at the end, as the newest) and removes; past the bound the oldest entries go. */
function changeList(list: string[], change: { add?: string[]; remove?: string[] } | undefined) {
  if (!change) return list;
  const remove = new Set(change.remove);
  const next = list.filter((entry) => !remove.has(entry));
  for (const entry of change.add ?? []) if (!next.includes(entry)) next.push(entry);
  return next.slice(-MAX_LIST);
}

export function applyChange(
  preferences: Preferences,
  change: AssistantPreferencesChange,
): Preferences {
  const providers = new Map(Object.entries(preferences.providers));
  for (const [id, choice] of Object.entries(change.providers ?? {})) {
    if (choice === null) providers.delete(id);
    else providers.set(id, choice);
  }
  if (providers.size > MAX_PROVIDERS) {
    throw unprocessable(
      'too_many_providers',
      `Choices are kept for at most ${MAX_PROVIDERS} providers; forget some with null first.`,
      'providers',
    );
  }
  return {
    enabled: change.enabled ?? preferences.enabled,
    providers: Object.fromEntries(providers),
    mutedConversations: changeList(preferences.mutedConversations, change.mutedConversations),
    neverKinds: changeList(preferences.neverKinds, change.neverKinds),
  };
}

/**
 * Applies `change` under the user's lock, so concurrent changes from several devices all
 * land. A change that changes nothing writes nothing and keeps the version.
 */
export function changePreferences(
  store: Store,
  userId: string,
  change: AssistantPreferencesChange,
  now: number,
) {
  return store.transaction(async (tx) => {
    await tx.lock(`assistant:${userId}`);
    const current = await read(tx, userId);
    const next = applyChange(current.preferences, change);
    const data = JSON.stringify(next);
    if (data === JSON.stringify(current.preferences)) return view(current);
    const version = current.version + 1;
    await tx.run(
      `INSERT INTO assistant_preferences (user_id, data, version, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET data = excluded.data, version = excluded.version,
       updated_at = excluded.updated_at`,
      [userId, data, version, now],
    );
    return view({ preferences: next, version, updatedAt: now });
  });
}
