import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../../../scripts/chromium.mjs';
import { browserBundle } from './testing/browser-bundle.js';
import { startServer, type TestServer } from './testing/server.js';

// The same calls in a page and in a module worker: read the account, format money.
const script = `
import { createSettle, formatMoney } from '/sdk.js';
export async function run() {
  const settle = createSettle({ baseUrl: location.origin, getToken: () => fetch('/token').then((r) => r.text()) });
  const account = await settle.account.get();
  return { status: account.status, money: formatMoney({ value: 2050, currency: 'EUR' }, 'fr-FR') };
}`;

let server: TestServer;
let site: ReturnType<typeof serve>;
let browser: Browser;
let url: string;

beforeAll(async () => {
  server = await startServer();
  const sdk = await browserBundle();
  const assistant = await browserBundle('../assistant/index.ts');
  const js = (
    c: { header: (k: string, v: string) => void; body: (b: string) => Response },
    body: string,
  ) => {
    c.header('Content-Type', 'text/javascript');
    return c.body(body);
  };
  // One origin for the page, the worker and the API, so the test is about the SDK, not CORS.
  const app = new Hono()
    .get('/', (c) => c.html('<!doctype html><script type="module" src="/page.js"></script>'))
    .get('/sdk.js', (c) => js(c, sdk))
    .get('/assistant.js', (c) => js(c, assistant))
    // A French page whose code makes the assistant without a locale, as elements.md's did.
    .get('/lang/:lang', (c) =>
      c.html(
        `<!doctype html><html lang="${c.req.param('lang')}"><script type="module" src="/chips.js"></script></html>`,
      ),
    )
    .get('/chips.js', (c) =>
      js(
        c,
        `import { createAssistant, memoryConsent, moneyProvider } from '/assistant.js';
const assistant = createAssistant({ userId: 'bob', providers: [moneyProvider({ currency: 'EUR' })], consent: memoryConsent() });
window.chips = [];
assistant.onSuggestion((s) => window.chips.push(s.title));
window.done = assistant.observe({ id: 'm1', text: 'tu me dois 15 €', authorId: 'alice' }, { id: 'c1', participants: ['alice', 'bob'] });`,
      ),
    )
    .get('/run.js', (c) => js(c, script))
    .get('/page.js', (c) => js(c, "import { run } from '/run.js'; window.result = run();"))
    .get('/worker.js', (c) =>
      js(
        c,
        "import { run } from '/run.js'; run().then((r) => postMessage(r), (e) => postMessage(String(e)));",
      ),
    )
    .get('/token', async (c) => c.text(await server.token('browser-user')))
    .all('*', (c) => server.app.fetch(c.req.raw));
  site = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', overrideGlobalObjects: false });
  await new Promise<void>((resolve) => site.once('listening', () => resolve()));
  url = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  browser = await chromium.launch(chromiumLaunchOptions);
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => site.close(() => resolve()));
  await server.close();
});

describe('the assistant in Chromium', () => {
  it('titles its chips in the page’s language when given no locale', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/lang/fr`);
    await page.evaluate('window.done');
    expect(await page.evaluate('window.chips')).toEqual(['Envoyer 15,00\u00a0€']);
    await page.close();
  });

  it('still titles its chips on a page whose lang Intl cannot read (fr_FR)', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto(`${url}/lang/fr_FR`);
    await page.evaluate('window.done');
    // The browser's language then, not no chip at all.
    expect(await page.evaluate('window.chips')).toEqual(['Send €15.00']);
    await page.close();
  });
});

describe('the SDK core in Chromium', () => {
  const expected = { status: 'new', money: '20,50\u00a0€' };

  it('runs in a page', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    // Strings, not functions: this package compiles without the DOM library.
    expect(await page.evaluate('window.result')).toEqual(expected);
    await page.close();
  });

  it('runs in a module web worker, where there is no DOM', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    const result = await page.evaluate(`new Promise((resolve) => {
      const worker = new Worker('/worker.js', { type: 'module' });
      worker.onmessage = (event) => resolve(event.data);
    })`);
    expect(result).toEqual(expected);
    await page.close();
  });
});
