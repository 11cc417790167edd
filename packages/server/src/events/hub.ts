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
 * The hub listens on the store (one LISTEN connection on PostgreSQL) only while someone
 * subscribes, so an app without live connections holds no extra connection or timer.
 *
 * @example
 * const stop = await hub.subscribe('alice', () => void sendNewEvents());
 */
export function createEventHub(store: Store): EventHub {
  const subscribers = new Map<string, Set<() => void>>();
  let listening: Promise<() => Promise<void>> | undefined;

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
        if (subscribers.size === 0 && listening) {
          const stop = listening;
          listening = undefined;
          stop.then((unlisten) => unlisten()).catch(() => undefined);
        }
      };
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
