/** Channel names both stores accept (PostgreSQL channels are identifiers). */
const CHANNEL = /^[a-z][a-z0-9_]{0,39}$/;

export function checkChannel(channel: string): string {
  if (!CHANNEL.test(channel)) throw new Error(`Invalid channel name: ${channel}`);
  return channel;
}

/** The listeners of a store's notification channels, in this process. */
export function createListeners() {
  type Listener = { (payload: string): void; onReconnect?: (() => void) | undefined };
  const byChannel = new Map<string, Set<Listener>>();
  return {
    /** Adds a listener; returns the function that removes it. */
    add(channel: string, onMessage: (payload: string) => void, onReconnect?: () => void) {
      checkChannel(channel);
      // Each call is its own listener, even when the same function is passed twice.
      const listener: Listener = (payload: string) => onMessage(payload);
      listener.onReconnect = onReconnect;
      const set = byChannel.get(channel) ?? new Set();
      byChannel.set(channel, set);
      set.add(listener);
      return async () => {
        set.delete(listener);
        if (set.size === 0 && byChannel.get(channel) === set) byChannel.delete(channel);
      };
    },
    deliver(channel: string, payload: string) {
      for (const listener of byChannel.get(channel) ?? []) {
        // One failing listener must not keep the message from the others, nor fail a commit.
        try {
          listener(payload);
        } catch {}
      }
    },
    /** Tells every listener that notifications may have been missed. */
    reconnected() {
      for (const set of byChannel.values()) {
        for (const listener of set) {
          try {
            listener.onReconnect?.();
          } catch {}
        }
      }
    },
    channels: () => [...byChannel.keys()],
    has: (channel: string) => byChannel.has(channel),
  };
}
