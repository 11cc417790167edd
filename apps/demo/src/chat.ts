import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import type { Message, NewMessage } from './messages.js';
import { conversations } from './people.js';

export interface Chat {
  messages(conversationId: string): Message[];
  post(conversationId: string, message: NewMessage): Promise<Message>;
  /** Calls `listener` with every new message; returns the unsubscribe. */
  subscribe(listener: (message: Message) => void): () => void;
}

/**
 * The demo's conversations, kept in memory and, when `file` is given, in a JSON file so that
 * they survive a restart as the payments in Settle do.
 *
 * @example
 * const chat = createChat({ file: '.settle/demo-chat.json' });
 * await chat.post('alice-bob', { authorId: 'alice', text: 'tu me dois 20 € pour le resto' });
 */
export function createChat({ file }: { file?: string } = {}): Chat {
  const all: Message[] = file ? load(file) : [];
  const listeners = new Set<(message: Message) => void>();
  let saving = Promise.resolve();

  const save = () => {
    if (!file) return saving;
    // One write at a time, each replacing the file whole (write, then rename).
    saving = saving.then(async () => {
      await writeFile(`${file}.tmp`, JSON.stringify(all));
      await rename(`${file}.tmp`, file);
    });
    return saving;
  };

  return {
    messages: (conversationId) => all.filter((m) => m.conversationId === conversationId),
    async post(conversationId, { authorId, text, payment, parties }) {
      const message: Message = {
        id: `m_${randomUUID()}`,
        conversationId,
        authorId,
        ...(text !== undefined ? { text } : {}),
        ...(payment !== undefined ? { payment } : {}),
        ...(parties !== undefined ? { parties } : {}),
        createdAt: new Date().toISOString(),
      };
      all.push(message);
      await save();
      for (const listener of listeners) listener(message);
      return message;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function load(file: string): Message[] {
  try {
    const known = new Set(conversations.map((c) => c.id));
    return (JSON.parse(readFileSync(file, 'utf8')) as Message[]).filter((m) =>
      known.has(m.conversationId),
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
