// Runs the assistant snippet of docs/elements.md as written (its bundler form, importing
// @settle/sdk/assistant) against a real Settle server: the chips it makes must speak the
// page's language, as the elements around them do.

import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import type { Suggestion } from '@settle/sdk/assistant';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken, type TestApp, testApp } from '../../packages/server/src/testing/platform.js';
import { openTestStore, type TestStore } from '../../packages/server/src/testing/stores.js';
import { codeBlocks } from './markdown.js';

const guide = readFileSync(new URL('../../docs/elements.md', import.meta.url), 'utf8');
const snippet = codeBlocks(guide).find((block) => block.code.includes('loadAssistant()'));

let db: TestStore;
let t: TestApp;
let server: ServerType;
let baseUrl: string;

beforeAll(async () => {
  db = await openTestStore('sqlite');
  t = await testApp(db.store);
  baseUrl = await new Promise((resolve) => {
    server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve(`http://127.0.0.1:${(info as AddressInfo).port}`),
    );
  });
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await db.cleanup();
});

/** Runs the snippet on a page in `lang`, and answers the chip of one message. */
async function chipOnPage(lang: string): Promise<Suggestion | undefined> {
  if (!snippet) throw new Error('docs/elements.md lost its loadAssistant() snippet');
  const body = snippet.code.replace(/^import .*settle-elements\.js';$/m, '');
  const handlers: Array<(message: unknown, conversation: unknown) => void> = [];
  const provider: { assistant?: { onSuggestion(listener: (s: Suggestion) => void): void } } = {};
  const page = {
    me: 'alice',
    baseUrl,
    getToken: () => mintToken(t.keys, 'alice'),
    loadAssistant: () => import('@settle/sdk/assistant'),
    document: { documentElement: { lang } },
    provider,
    chat: { on: (_: string, handler: (typeof handlers)[number]) => handlers.push(handler) },
    suggestions: { addEventListener() {} },
    sendButton: {},
    requestButton: {},
  };
  const run = new Function(...Object.keys(page), `return (async () => {${body}})();`);
  // The SDK reads the page's language from the global document, as in a browser.
  const global = globalThis as { document?: unknown };
  global.document = page.document;
  try {
    await run(...Object.values(page));
  } finally {
    delete global.document;
  }
  const chip = new Promise<Suggestion | undefined>((resolve) => {
    const none = setTimeout(resolve, 3000, undefined); // a provider that threw makes no chip
    provider.assistant?.onSuggestion((suggestion) => {
      clearTimeout(none);
      resolve(suggestion);
    });
  });
  for (const handler of handlers) {
    handler(
      { id: 'm1', text: 'tu me dois 15 € pour le ciné', authorId: 'bob' },
      { id: 'alice-bob', participants: ['alice', 'bob'] },
    );
  }
  return chip;
}

describe("docs/elements.md's assistant snippet", () => {
  it('titles the chips in the language of the page', async () => {
    expect((await chipOnPage('fr'))?.title).toBe('Envoyer 15,00\u00a0€');
    expect((await chipOnPage('en'))?.title).toBe('Send €15.00');
    // A page without lang: the runtime's language (Node's navigator here), not no chip.
    expect((await chipOnPage(''))?.title).toBe(
      navigator.language.startsWith('fr') ? 'Envoyer 15,00\u00a0€' : 'Send €15.00',
    );
  });
});
