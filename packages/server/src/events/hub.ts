import type { Store } from '../store/store.js';
import { EVENTS_CHANNEL } from './events.js';

/** Wakes this process's live connections when their user has new events. */
export interface EventHub {
  /**
   * Calls `wake` after every commit that recorded events for `userId`, in any process
   * sharing the store. Resolves once listening, with the function that stops it.
   */
  subscribe(userId: string, wake: () => void): Promise<() => void>;
}

/**
 * How long the hub keeps listening after its last subscriber left: pages that reload, and a
 * client opening and closing streams one after another, reuse the LISTEN connection instead of
 * making PostgreSQL start a session for each stream.
 */
export const LISTEN_LINGER_MS = 1000;

/**
 * The hub listens on the store (one LISTEN connection on PostgreSQL) only while someone
 * subscribes, and for LISTEN_LINGER_MS after, so an app without live connections soon holds
 * no extra connection.
 *
 * @example
 * const stop = await hub.subscribe('alice', () => void sendNewEvents());
 */
export function createEventHub(store: Store): EventHub {
  const subscribers = new Map<string, Set<() => void>>();
  let listening: Promise<() => Promise<void>> | undefined;
  let lingering: ReturnType<typeof setTimeout> | undefined;
  const stopListening = () => {
    lingering = undefined;
    if (subscribers.size > 0 || !listening) return;
    const stop = listening;
    listening = undefined;
    stop.then((unlisten) => unlisten()).catch(() => undefined);
  };

  const onMessage = (userId: string) => {
    for (const wake of subscribers.get(userId) ?? []) wake();
  };
  // Notifications lost with a connection: every stream looks again (a wake is only that).
  const wakeAll = () => {
    for (const set of subscribers.values()) for (const wake of set) wake();
  };

  return {
    async subscribe(userId, wake) {
      const own = () => wake();
      const set = subscribers.get(userId) ?? new Set();
      subscribers.set(userId, set);
      set.add(own);
      const unsubscribe = () => {
        set.delete(own);
        if (set.size === 0 && subscribers.get(userId) === set) subscribers.delete(userId);
        if (subscribers.size === 0 && listening && !lingering) {
          // Unref'd: a process whose last stream just closed may still exit at once.
          lingering = setTimeout(stopListening, LISTEN_LINGER_MS);
          lingering.unref?.();
        }
      };
      clearTimeout(lingering);
      lingering = undefined;
      listening ??= store.listen(EVENTS_CHANNEL, onMessage, wakeAll);
      try {
        await listening;
      } catch (error) {
        listening = undefined;
        unsubscribe();
        throw error;
      }
      return unsubscribe;
    },
  };
}
