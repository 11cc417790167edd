// The page's side of the demo's own server (the platform): people, tokens, conversations.
import type { Message, Sms } from '../messages.js';
import type { Conversation, Person } from '../people.js';

export type { Conversation, Message, Person, Sms };

async function json<T>(res: Response): Promise<T> {
  if (!res.ok) throw new Error(`${res.url} answered ${res.status}`);
  return (await res.json()) as T;
}

export const chatApi = {
  cast: () =>
    fetch('/api/people').then((res) =>
      json<{ people: Person[]; conversations: Conversation[] }>(res),
    ),

  /** A Settle user token, minted by the platform's server (here: for anyone of the demo). */
  async token(userId: string): Promise<string> {
    const res = await fetch(`/api/token/${encodeURIComponent(userId)}`);
    if (!res.ok) throw new Error(`No token for ${userId}: ${res.status}`);
    return res.text();
  },

  messages: (conversationId: string) =>
    fetch(`/api/conversations/${encodeURIComponent(conversationId)}/messages`)
      .then((res) => json<{ data: Message[] }>(res))
      .then((body) => body.data),

  post: (
    conversationId: string,
    body:
      | { authorId: string; text: string }
      | { authorId: string; paymentId: string; parties: string[] },
  ) =>
    fetch(`/api/conversations/${encodeURIComponent(conversationId)}/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }).then((res) => json<Message>(res)),

  /** New messages and SMS as they happen; `onReady` on each (re)connection. */
  follow(handlers: { message(m: Message): void; sms(s: Sms): void; ready(): void }) {
    const source = new EventSource('/api/events');
    source.addEventListener('message', (e) => handlers.message(JSON.parse(e.data)));
    source.addEventListener('sms', (e) => handlers.sms(JSON.parse(e.data)));
    source.addEventListener('ready', () => handlers.ready());
    return () => source.close();
  },
};
