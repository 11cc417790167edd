import type { SettleEvent } from '../types.js';
import {
  type AssistantPreferences,
  applyChange,
  type ConsentStore,
  type PreferencesChange,
} from './preferences.js';
import type {
  AssistantConversation,
  AssistantMessage,
  AssistantProvider,
  Suggestion,
} from './provider.js';
import { suggestionId } from './suggestion-id.js';

export interface AssistantOptions {
  /** The user of this device, who sees the suggestions. */
  userId: string;
  /** In priority order: when several suggest something for one message, the first wins. */
  providers: AssistantProvider[];
  /** Where the user's choices are kept: `serverConsent(...)` or `memoryConsent()`. */
  consent: ConsentStore;
  /**
   * Asks the user, once, whether a remote provider may read their messages; the answer is
   * kept. Without it, remote providers only run once turned on with `setProviderEnabled`.
   */
  ask?: (provider: AssistantProvider) => boolean | Promise<boolean>;
  /**
   * Used when a conversation has no locale. Default: the page's language (`<html lang>`),
   * else the browser's or the runtime's (`navigator.language`), else `en`.
   */
  locale?: string;
  /** At most one suggestion per conversation in any `cadence` consecutive messages. Default 4. */
  cadence?: number;
  /** How long a provider may take on one message. Default 3000 ms. */
  timeoutMs?: number;
  /** Errors of providers, listeners and the consent store; the assistant goes on without them. */
  onError?: (error: unknown, providerId?: string) => void;
}

export interface Assistant {
  /**
   * Reads a new message of a conversation, and answers the suggestion to show, if any (also
   * given to `onSuggestion` listeners). Call it once per message, as it arrives or is sent.
   */
  observe(
    message: AssistantMessage,
    conversation: AssistantConversation,
  ): Promise<Suggestion | null>;
  /**
   * Calls `listener` with each suggestion to show; returns the function that stops it. The
   * first listener also gets those shown while nobody listened (not withdrawn since).
   */
  onSuggestion(listener: (suggestion: Suggestion) => void): () => void;
  /**
   * Reads one of the user's live Settle events (`settle.subscribe`, or the provider's
   * stream): the shown suggestions it settles, as their provider's `settles` says, are
   * withdrawn, each once. Answers them (also given to `onWithdraw` listeners).
   */
  observeEvent(event: SettleEvent): Suggestion[];
  /** Calls `listener` with each suggestion withdrawn; returns the function that stops it. */
  onWithdraw(listener: (suggestion: Suggestion) => void): () => void;
  /**
   * "Not this one": the same suggestion (kind and key) is not shown again in its
   * conversation. Kept on this device only, for as long as the assistant lives.
   */
  dismiss(suggestionId: string): void;
  /** "Not in this conversation": no more suggestions in the suggestion's conversation. */
  notHere(suggestionId: string): Promise<void>;
  /** "Never for this kind": no more suggestions of this kind, anywhere. */
  never(kind: string): Promise<void>;
  setEnabled(enabled: boolean): Promise<void>;
  /** Turning a remote provider on counts as the user's yes. */
  setProviderEnabled(providerId: string, enabled: boolean): Promise<void>;
  /** Any change, such as undoing `never` or `notHere`, from a settings screen. */
  update(change: PreferencesChange): Promise<void>;
  /** The user's choices as this device sees them; undefined until loaded. */
  preferences(): AssistantPreferences | undefined;
  /** Loads the choices again (made on another device meanwhile) and saves pending ones. */
  refresh(): Promise<AssistantPreferences>;
}

const NAME = /^[A-Za-z0-9][\w.:/-]{0,99}$/;

function checkProviders(providers: AssistantProvider[]) {
  const ids = new Set<string>();
  for (const { id, kinds } of providers) {
    if (!NAME.test(id) || ids.has(id)) throw new TypeError(`Bad or repeated provider id: ${id}`);
    if (kinds.length === 0 || !kinds.every((kind) => NAME.test(kind))) {
      throw new TypeError(`Provider ${id} needs kinds named like ids.`);
    }
    ids.add(id);
  }
}

/** Per conversation: messages seen, the index of the last one with a suggestion. */
interface ConversationState {
  count: number;
  lastShown: number;
  /** `kind key` of the suggestions dismissed here. */
  dismissed: Set<string>;
}

/** How many shown suggestions `dismiss` and `notHere` can still refer to. */
const MAX_SHOWN = 500;

const keyOf = (suggestion: Suggestion) => `${suggestion.kind} ${suggestion.key}`;

/** The page's language, else the runtime's: chips in the language of the elements beside them. */
function runtimeLocale(): string {
  // Typed here: the SDK compiles without the DOM library, and runs in Node and workers too.
  const { document, navigator } = globalThis as {
    document?: { documentElement?: { lang?: string } };
    navigator?: { language?: string };
  };
  // The first Intl can use: a malformed lang (`fr_FR`, or none) would throw in every title.
  for (const locale of [document?.documentElement?.lang, navigator?.language]) {
    try {
      if (locale && Intl.getCanonicalLocales(locale).length) return locale;
    } catch {}
  }
  return 'en';
}

/**
 * The on-device assistant: passes each new message to the providers the user allows,
 * merges their suggestions, and hands the UI at most one per conversation every `cadence`
 * messages, obeying the user's choices.
 *
 * @example
 * const assistant = createAssistant({
 *   userId: 'bob',
 *   providers: [moneyProvider({ currency: 'EUR' })],
 *   consent: serverConsent({ baseUrl, token: getToken }),
 *   ask: (provider) => confirmDialog(`Let ${provider.name} read your messages?`),
 * });
 * assistant.onSuggestion((s) => showChip(s));
 * chat.on('message', (message, conversation) => assistant.observe(message, conversation));
 */
export function createAssistant({
  userId,
  providers,
  consent,
  ask,
  locale = runtimeLocale(),
  cadence = 4,
  timeoutMs = 3000,
  onError = () => undefined,
}: AssistantOptions): Assistant {
  checkProviders(providers);
  const listeners = new Set<(suggestion: Suggestion) => void>();
  const withdrawListeners = new Set<(suggestion: Suggestion) => void>();
  const providerById = new Map(providers.map((provider) => [provider.id, provider]));
  const conversations = new Map<string, ConversationState>();
  /** Shown suggestions, so that `dismiss(id)` and `notHere(id)` find them. */
  const shown = new Map<string, Suggestion>();
  /** Of those, the ones a payment settled (kept in `shown`: their message is not read twice). */
  const withdrawn = new Set<string>();
  /**
   * Suggestions shown while nobody listened (the chips still waiting for their page's language,
   * say), for the first listener: otherwise they would be lost for good.
   */
  const unheard: Suggestion[] = [];
  const asking = new Map<string, Promise<boolean>>();

  // The stored choices, and this device's changes not yet saved, applied on top.
  let stored: AssistantPreferences | undefined;
  const pending: PreferencesChange[] = [];
  let loading: Promise<AssistantPreferences> | undefined;
  let saving: Promise<void> = Promise.resolve();

  const view = () => (stored ? pending.reduce(applyChange, stored) : undefined);

  function load() {
    loading ??= consent.load().then(
      (preferences) => {
        stored = preferences;
        return preferences;
      },
      (error) => {
        loading = undefined;
        throw error;
      },
    );
    return loading;
  }
  load().catch((error) => onError(error));

  /** Saves pending changes in order; one that fails stays pending for the next save. */
  async function flush() {
    await load();
    while (pending.length > 0) {
      stored = await consent.save(pending[0] as PreferencesChange);
      pending.shift();
    }
  }

  /** Runs `task` after the saves before it, whether they failed or not. */
  function queue(task: () => Promise<void>) {
    const done = saving.then(task);
    saving = done.catch(() => undefined);
    return done;
  }

  function update(change: PreferencesChange) {
    pending.push(change);
    return queue(flush);
  }

  function stateOf(conversationId: string) {
    let state = conversations.get(conversationId);
    if (!state) {
      state = { count: 0, lastShown: Number.NEGATIVE_INFINITY, dismissed: new Set() };
      conversations.set(conversationId, state);
    }
    return state;
  }

  /** Whether the conversation may get a suggestion for message `index`, as of now. */
  function open(conversationId: string, index: number) {
    const preferences = view();
    return (
      preferences?.enabled === true &&
      !preferences.mutedConversations.includes(conversationId) &&
      index - stateOf(conversationId).lastShown >= cadence
    );
  }

  /** Whether the user allows `provider` now, asking once about a remote one. */
  async function allowed(provider: AssistantProvider): Promise<boolean> {
    const preferences = view() as AssistantPreferences;
    if (provider.kinds.every((kind) => preferences.neverKinds.includes(kind))) return false;
    const choice = preferences.providers[provider.id];
    if (choice) return choice === 'on';
    if (!provider.remote) return true;
    if (!ask) return false;
    let answer = asking.get(provider.id);
    if (!answer) {
      answer = Promise.resolve(provider)
        .then(ask)
        .then((yes) => {
          update({ providers: { [provider.id]: yes ? 'on' : 'off' } }).catch((error) =>
            onError(error),
          );
          return yes;
        });
      asking.set(provider.id, answer);
      // A failed question is no answer: it may be asked again.
      answer.catch(() => asking.delete(provider.id));
    }
    try {
      return await answer;
    } catch (error) {
      onError(error, provider.id);
      return false;
    }
  }

  async function run(
    provider: AssistantProvider,
    message: AssistantMessage,
    conversation: AssistantConversation,
    index: number,
  ): Promise<Suggestion[]> {
    if (!(await allowed(provider))) return [];
    // The user may have changed their mind while being asked.
    if (!open(conversation.id, index) || view()?.providers[provider.id] === 'off') return [];
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`Provider ${provider.id} took over ${timeoutMs} ms.`));
      }, timeoutMs);
    });
    try {
      const context = {
        conversation,
        userId,
        locale: conversation.locale ?? locale,
        signal: controller.signal,
      };
      const inputs = await Promise.race([
        Promise.resolve().then(() => provider.analyze(message, context)),
        timeout,
      ]);
      return inputs
        .filter((input) => provider.kinds.includes(input.kind) && typeof input.title === 'string')
        .map((input) => {
          const key = input.key ?? input.title;
          const id = suggestionId(conversation.id, message.id, input.kind, key);
          return {
            ...input,
            key,
            id,
            providerId: provider.id,
            conversationId: conversation.id,
            messageId: message.id,
          };
        });
    } catch (error) {
      onError(error, provider.id);
      return [];
    } finally {
      clearTimeout(timer);
    }
  }

  /** Whether `provider` waits for the user's answer to `ask` before it may see a message. */
  function waitsForAnswer(provider: AssistantProvider) {
    return (
      provider.remote === true &&
      ask !== undefined &&
      (view() as AssistantPreferences).providers[provider.id] === undefined
    );
  }

  /** Shows the first suggestion of `results` (in provider order) that the user may see. */
  function show(conversationId: string, index: number, results: Suggestion[][]): Suggestion | null {
    if (!open(conversationId, index)) return null;
    const state = stateOf(conversationId);
    const never = (view() as AssistantPreferences).neverKinds;
    const suggestion = results
      .flat()
      .find(
        (candidate) =>
          !never.includes(candidate.kind) &&
          !shown.has(candidate.id) &&
          !state.dismissed.has(keyOf(candidate)),
      );
    if (!suggestion) return null;
    state.lastShown = index;
    shown.set(suggestion.id, suggestion);
    if (shown.size > MAX_SHOWN) {
      const oldest = shown.keys().next().value as string;
      shown.delete(oldest);
      withdrawn.delete(oldest);
    }
    // Bounded as `shown` is: an app that only reads `observe`'s answers never listens.
    if (listeners.size === 0 && unheard.push(suggestion) > MAX_SHOWN) unheard.shift();
    tell(listeners, suggestion);
    return suggestion;
  }

  function tell(to: Iterable<(suggestion: Suggestion) => void>, suggestion: Suggestion) {
    for (const listener of to) {
      try {
        listener(suggestion);
      } catch (error) {
        onError(error);
      }
    }
  }

  function observeEvent(event: SettleEvent) {
    const settled: Suggestion[] = [];
    for (const suggestion of shown.values()) {
      if (withdrawn.has(suggestion.id)) continue;
      const provider = providerById.get(suggestion.providerId);
      try {
        if (provider?.settles?.(suggestion, event) === true) settled.push(suggestion);
      } catch (error) {
        onError(error, provider?.id);
      }
    }
    for (const suggestion of settled) {
      withdrawn.add(suggestion.id);
      tell(withdrawListeners, suggestion);
    }
    return settled;
  }

  async function observe(message: AssistantMessage, conversation: AssistantConversation) {
    const index = ++stateOf(conversation.id).count;
    try {
      await load();
    } catch (error) {
      // Without the user's choices, nothing is shown.
      onError(error);
      return null;
    }
    if (!open(conversation.id, index)) return null;
    const runs = providers.map((provider) => ({
      waits: waitsForAnswer(provider),
      result: run(provider, message, conversation, index),
    }));
    // A provider waiting for the user's answer holds no other back: theirs shows at once,
    // and the waiting one's only if they had nothing (and the user says yes).
    const results = (waits: boolean) =>
      Promise.all(runs.filter((each) => each.waits === waits).map((each) => each.result));
    const now = show(conversation.id, index, await results(false));
    if (now || !runs.some((each) => each.waits)) return now;
    return show(conversation.id, index, await results(true));
  }

  return {
    observe,
    onSuggestion(listener) {
      listeners.add(listener);
      for (const suggestion of unheard.splice(0)) {
        if (!withdrawn.has(suggestion.id)) tell([listener], suggestion);
      }
      return () => listeners.delete(listener);
    },
    observeEvent,
    onWithdraw(listener) {
      withdrawListeners.add(listener);
      return () => withdrawListeners.delete(listener);
    },
    dismiss(id) {
      const suggestion = shown.get(id);
      if (suggestion) stateOf(suggestion.conversationId).dismissed.add(keyOf(suggestion));
    },
    async notHere(id) {
      const suggestion = shown.get(id);
      if (!suggestion) throw new RangeError(`No suggestion ${id} was shown.`);
      await update({ mutedConversations: { add: [suggestion.conversationId] } });
    },
    never: (kind) => update({ neverKinds: { add: [kind] } }),
    setEnabled: (enabled) => update({ enabled }),
    setProviderEnabled: (providerId, enabled) =>
      update({ providers: { [providerId]: enabled ? 'on' : 'off' } }),
    update,
    preferences: view,
    async refresh() {
      await queue(async () => {
        stored = await consent.load();
        await flush();
      });
      return view() as AssistantPreferences;
    },
  };
}
