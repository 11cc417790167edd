import type { Sms } from './messages.js';

export interface SmsRelay {
  /** Calls `listener` with each new SMS while subscribed; returns the unsubscribe. */
  subscribe(listener: (sms: Sms) => void): () => void;
}

/**
 * Watches the Settle server's dev SMS outbox and passes on each new message, so the demo can
 * show it as a notification on the phone it was sent to. Polls only while someone listens;
 * messages already there at the first look are not news.
 *
 * @example
 * createSmsRelay({ settleUrl: 'http://127.0.0.1:8787' }).subscribe((sms) => console.log(sms.body));
 */
export function createSmsRelay({
  settleUrl,
  intervalMs = 400,
}: {
  settleUrl: string;
  intervalMs?: number;
}): SmsRelay {
  const listeners = new Set<(sms: Sms) => void>();
  let seen: Set<string> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function poll() {
    try {
      const res = await fetch(new URL('/dev/sms', settleUrl));
      if (res.ok) {
        const { data } = (await res.json()) as { data: Sms[] };
        const fresh = seen ? data.filter((sms) => !seen?.has(sms.id)).reverse() : [];
        seen ??= new Set();
        for (const sms of data) seen.add(sms.id);
        for (const sms of fresh) for (const listener of listeners) listener(sms);
      }
    } catch {
      // The Settle server is starting or restarting: look again at the next tick.
    }
    if (listeners.size > 0) timer = setTimeout(poll, intervalMs);
    else timer = undefined;
  }

  return {
    subscribe(listener) {
      listeners.add(listener);
      if (!timer) timer = setTimeout(poll, 0);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
