/** A user's choice about one provider: `on` (allowed) or `off` (turned off, or said no). */
export type ProviderChoice = 'on' | 'off';

/** The user's assistant choices, the same on every device (`GET /v1/assistant/preferences`). */
export interface AssistantPreferences {
  /** The assistant as a whole. */
  enabled: boolean;
  /** A provider not listed has no choice yet: a local one runs, a remote one is asked about. */
  providers: Record<string, ProviderChoice>;
  /** "Not in this conversation": conversation ids, oldest first. */
  mutedConversations: string[];
  /** "Never for this kind": suggestion kinds. */
  neverKinds: string[];
  /** Goes up by one with every change the store keeps. */
  version: number;
}

/**
 * Choices to set; what is left out stays as it is. Every field is idempotent, so a retried
 * save changes nothing more and two devices changing different choices both keep theirs
 * (`PUT /v1/assistant/preferences`).
 */
export interface PreferencesChange {
  enabled?: boolean;
  /** `null` forgets the choice, so a remote provider is asked about again. */
  providers?: Record<string, ProviderChoice | null>;
  mutedConversations?: { add?: string[]; remove?: string[] };
  neverKinds?: { add?: string[]; remove?: string[] };
}

/**
 * Where the assistant keeps the user's choices. `serverConsent` keeps them on the Settle
 * server, so they follow the user; `memoryConsent` keeps them in memory.
 */
export interface ConsentStore {
  load(): Promise<AssistantPreferences>;
  /** Applies `change` to what is stored, atomically, and answers the result. */
  save(change: PreferencesChange): Promise<AssistantPreferences>;
}

/** What a user who never chose anything gets. */
export const defaultPreferences: AssistantPreferences = {
  enabled: true,
  providers: {},
  mutedConversations: [],
  neverKinds: [],
  version: 0,
};

/** The server keeps the newest 500 entries of each list; so does the local view. */
const MAX_LIST = 500;

function changeList(list: string[], change: { add?: string[]; remove?: string[] } | undefined) {
  if (!change) return list;
  const remove = new Set(change.remove);
  const next = list.filter((entry) => !remove.has(entry));
  for (const entry of change.add ?? []) if (!next.includes(entry)) next.push(entry);
  return next.slice(-MAX_LIST);
}

/** `preferences` with `change` applied, as the server applies it; the version is kept. */
export function applyChange(
  preferences: AssistantPreferences,
  change: PreferencesChange,
): AssistantPreferences {
  const providers = new Map(Object.entries(preferences.providers));
  for (const [id, choice] of Object.entries(change.providers ?? {})) {
    if (choice === null) providers.delete(id);
    else providers.set(id, choice);
  }
  return {
    enabled: change.enabled ?? preferences.enabled,
    providers: Object.fromEntries(providers),
    mutedConversations: changeList(preferences.mutedConversations, change.mutedConversations),
    neverKinds: changeList(preferences.neverKinds, change.neverKinds),
    version: preferences.version,
  };
}

/**
 * A consent store in memory, for tests and offline use: choices last as long as the page.
 *
 * @example
 * const assistant = createAssistant({ userId: 'alice', providers, consent: memoryConsent() });
 */
export function memoryConsent(initial: Partial<AssistantPreferences> = {}): ConsentStore {
  let stored: AssistantPreferences = { ...defaultPreferences, ...initial };
  return {
    async load() {
      return stored;
    },
    async save(change) {
      const next = applyChange(stored, change);
      if (JSON.stringify(next) !== JSON.stringify(stored)) {
        stored = { ...next, version: stored.version + 1 };
      }
      return stored;
    },
  };
}
