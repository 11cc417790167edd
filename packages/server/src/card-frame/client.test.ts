/*
 * The card frame in a real Chromium: a "settle" origin serves the frame, a "host" origin (another
 * port, so another origin) embeds it like a chat app would, and a third "evil" origin tries to
 * drive or frame it. The browser is Debian's Chromium through playwright-core; none is downloaded.
 */
import type { AddressInfo } from 'node:net';
import type { ServerType } from '@hono/node-server';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { axeViolations } from '../../../../scripts/axe.mjs';
import { chromiumLaunchOptions } from '../../../../scripts/chromium.mjs';
import { detectBrand, last4 } from '../cards/brand.js';
import { isLuhnValid } from '../cards/luhn.js';
import { findSandboxCard } from '../cards/sandbox-cards.js';
import { cardFrameMain } from './client.js';
import { cardFrameCsp, isAllowedOrigin } from './csp.js';
import { renderCardFramePage } from './page.js';
import { cardFrameCss } from './styles.js';

const PAN = '4000002500000003';

let browser: Browser;
let page: Page;
const servers: ServerType[] = [];
const origins = { settle: '', host: '', evil: '' };
/** Bodies received by the fake `POST /v1/card-tokens`. */
const tokenRequests: unknown[] = [];

function listen(app: Hono): Promise<string> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve(`http://127.0.0.1:${(info as AddressInfo).port}`),
    );
    servers.push(server);
  });
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    if ('closeAllConnections' in server) server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** The Settle side: the frame, its script and stylesheet, and a fake token endpoint. */
function settleApp(): Hono {
  const app = new Hono();
  app.get('/card-frame', (c) => {
    const allowed = [origins.host];
    const parentOrigin = c.req.query('parentOrigin') ?? '';
    if (!isAllowedOrigin(parentOrigin, allowed)) return c.text('origin not allowed', 400);
    const lang = c.req.query('lang') === 'fr' ? 'fr' : 'en';
    const html = renderCardFramePage({
      parentOrigin,
      lang,
      scriptSrc: '/card-frame.js',
      styleSrc: '/card-frame.css',
    });
    return c.html(html, 200, { 'content-security-policy': cardFrameCsp(allowed) });
  });
  app.get('/card-frame.js', (c) =>
    c.body(`(${cardFrameMain.toString()})();`, 200, { 'content-type': 'text/javascript' }),
  );
  app.get('/card-frame.css', (c) => c.body(cardFrameCss, 200, { 'content-type': 'text/css' }));
  app.post('/v1/card-tokens', async (c) => {
    const body = await c.req.json<{ number: string; expMonth: number; expYear: number }>();
    tokenRequests.push(body);
    if (!isLuhnValid(body.number)) {
      return c.json(
        { error: { code: 'invalid_number', message: 'Invalid number.', param: 'number' } },
        400,
      );
    }
    // Lets the test reach the frame's server-error path with a number the frame accepts.
    if (findSandboxCard(body.number)?.outcome === 'expired_card') {
      return c.json(
        { error: { code: 'expired_card', message: 'The server says: expired.', param: 'number' } },
        402,
      );
    }
    // The real server's answers to too many cards from one network, and to a store outage.
    const outcome = findSandboxCard(body.number)?.outcome;
    if (outcome === 'card_declined') {
      const error = { code: 'too_many_card_tokens', message: 'Too many cards entered.' };
      return c.json({ error }, 429, { 'retry-after': '60' });
    }
    if (outcome === 'insufficient_funds') {
      const error = { code: 'store_unavailable', message: 'Settle is unavailable.' };
      return c.json({ error }, 503);
    }
    const card = {
      brand: detectBrand(body.number),
      last4: last4(body.number),
      expMonth: body.expMonth,
      expYear: body.expYear,
    };
    return c.json({ token: `tok_${tokenRequests.length}`, card });
  });
  return app;
}

/** A script recording what the card frame posts; external, like a chat app under a strict CSP. */
const recorderJs = `
window.settleMessages = [];
addEventListener('message', (event) => {
  if (event.origin === document.documentElement.dataset.settleOrigin) {
    window.settleMessages.push(event.data);
  }
});
window.sendToCard = (message) => {
  const frame = document.querySelector('iframe[title="Card"]');
  frame.contentWindow.postMessage(message, document.documentElement.dataset.settleOrigin);
};
`;

/** A page at `origin` embedding the card frame first, then optional sibling frames. */
function embeddingPage(origin: string, siblings: string[], { lang = 'en', width = 300 } = {}) {
  const query = `parentOrigin=${encodeURIComponent(origin)}&lang=${lang}`;
  const frameUrl = `${origins.settle}/card-frame?${query}`;
  const siblingFrames = siblings
    .map((src, i) => `<iframe title="Sibling ${i}" src="${src}"></iframe>`)
    .join('');
  return `<!doctype html><html data-settle-origin="${origins.settle}"><head><title>Chat</title>
<script src="/recorder.js"></script></head>
<body><iframe title="Card" src="${frameUrl}" style="width: ${width}px; height: 400px"></iframe>
${siblingFrames}</body></html>`;
}

/** The chat app. Its own sibling frame shares its origin but is not the frame's parent. */
function hostApp(): Hono {
  const app = new Hono();
  app.get('/', (c) =>
    c.html(embeddingPage(origins.host, [`${origins.evil}/blank`, `${origins.host}/blank`])),
  );
  // A phone-sized chat in French, whose labels are the longest.
  app.get('/narrow-fr', (c) => c.html(embeddingPage(origins.host, [], { lang: 'fr', width: 260 })));
  app.get('/recorder.js', (c) => c.body(recorderJs, 200, { 'content-type': 'text/javascript' }));
  app.get('/blank', (c) => c.html('<!doctype html><title>blank</title>'));
  return app;
}

/** Another site: it frames the card frame while claiming to be the host. */
function evilApp(): Hono {
  const app = new Hono();
  app.get('/framer', (c) => {
    // Lie about the parent origin: only the CSP's frame-ancestors can stop this page.
    return c.html(embeddingPage(origins.host, []));
  });
  app.get('/recorder.js', (c) => c.body(recorderJs, 200, { 'content-type': 'text/javascript' }));
  app.get('/blank', (c) => c.html('<!doctype html><title>blank</title>'));
  return app;
}

type Message = { type: string; [key: string]: unknown };

function messages(target: Page = page): Promise<Message[]> {
  return target.evaluate('window.settleMessages') as Promise<Message[]>;
}

function ofType(list: Message[], type: string): Message[] {
  return list.filter((message) => message.type === type);
}

const frame = () => page.frameLocator('iframe[title="Card"]');

/** The id of the element focused in the card frame. */
const focusedId = () =>
  frame()
    .locator('html')
    .evaluate((html) => html.ownerDocument.activeElement?.id ?? '');

async function openHost(): Promise<void> {
  await page.goto(`${origins.host}/`);
  await expect.poll(async () => ofType(await messages(), 'settle:card-ready')).toHaveLength(1);
}

async function fillCard(number: string, expiry = '1234', cvc = '123'): Promise<void> {
  await frame().getByLabel('Card number').pressSequentially(number);
  await frame().getByLabel('Expiry date (MM/YY)').pressSequentially(expiry);
  await frame().getByLabel('Security code (CVC)').pressSequentially(cvc);
}

beforeAll(async () => {
  origins.settle = await listen(settleApp());
  origins.host = await listen(hostApp());
  origins.evil = await listen(evilApp());
  browser = await chromium.launch(chromiumLaunchOptions);
  page = await browser.newPage();
}, 20_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map(closeServer));
});

beforeEach(() => {
  tokenRequests.length = 0;
});

describe('the card frame in Chromium', () => {
  it('tokenizes a card typed by a person and gives the host only a token and the last four', async () => {
    await openHost();
    const number = frame().getByLabel('Card number');
    await number.pressSequentially(PAN);
    expect(await number.inputValue()).toBe('4000 0025 0000 0003');
    await frame().getByLabel('Expiry date (MM/YY)').pressSequentially('1234');
    expect(await frame().getByLabel('Expiry date (MM/YY)').inputValue()).toBe('12/34');
    await frame().getByLabel('Security code (CVC)').pressSequentially('123');

    // Messages arrive asynchronously: wait for the one of the last keystroke.
    await expect
      .poll(async () => ofType(await messages(), 'settle:card-change').at(-1))
      .toEqual({ type: 'settle:card-change', complete: true, brand: 'visa' });
    const changes = ofType(await messages(), 'settle:card-change');
    expect(changes).toHaveLength(16 + 4 + 3);
    expect(changes.at(0)).toEqual({ type: 'settle:card-change', complete: false, brand: 'visa' });

    await frame().getByRole('button', { name: 'Save card' }).click();
    await expect
      .poll(async () => ofType(await messages(), 'settle:card-token'))
      .toEqual([
        {
          type: 'settle:card-token',
          token: 'tok_1',
          card: { brand: 'visa', last4: '0003', expMonth: 12, expYear: 2034 },
        },
      ]);
    expect(tokenRequests).toEqual([{ number: PAN, expMonth: 12, expYear: 2034, cvc: '123' }]);

    const all = JSON.stringify(await messages());
    expect(all).not.toContain(PAN);
    expect(all).not.toContain('4000 0025 0000 0003');
    expect(all).not.toContain('"cvc"');
    expect(ofType(await messages(), 'settle:card-resize').at(0)?.height).toBeGreaterThan(100);
    // The card is not saved until the host attached its token: nothing says so before.
    expect(await frame().getByRole('status').textContent()).toBe('');
    await expect.poll(() => focusedId()).toBe('card-submit');

    await page.evaluate(`window.sendToCard({ type: 'settle:card-saved' })`);
    await expect.poll(() => frame().getByRole('status').textContent()).toBe('Card saved.');
    expect(await number.inputValue()).toBe('');
    expect(await frame().getByLabel('Security code (CVC)').inputValue()).toBe('');
  });

  it('says why the host could not attach the card, and takes the focus to a new number', async () => {
    await openHost();
    await fillCard('4000000000000077');
    await frame().getByRole('button', { name: 'Save card' }).click();
    await expect.poll(async () => ofType(await messages(), 'settle:card-token')).toHaveLength(1);
    await page.evaluate(
      `window.sendToCard({ type: 'settle:card-not-saved', message: 'This card has expired.', refused: true })`,
    );
    await expect
      .poll(() => frame().getByRole('alert').textContent())
      .toBe('This card has expired.');
    const number = frame().getByLabel('Card number');
    expect(await number.inputValue()).toBe('');
    expect(await number.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => focusedId()).toBe('card-number');
    // Only the number is typed again.
    expect(await frame().getByLabel('Expiry date (MM/YY)').inputValue()).toBe('12/34');
    expect(await frame().getByLabel('Security code (CVC)').inputValue()).toBe('123');
    expect(await frame().getByRole('status').textContent()).toBe('');

    // Not the card but the connection: everything stays, to try again.
    await number.pressSequentially(PAN);
    await frame().getByRole('button', { name: 'Save card' }).click();
    await expect.poll(async () => ofType(await messages(), 'settle:card-token')).toHaveLength(2);
    await page.evaluate(
      `window.sendToCard({ type: 'settle:card-not-saved', message: 'Offline.', refused: false })`,
    );
    await expect.poll(() => frame().getByRole('alert').textContent()).toBe('Offline.');
    expect(await number.inputValue()).toBe('4000 0025 0000 0003');
    expect(await focusedId()).toBe('card-submit');
  });

  it('stops a mistyped number in the frame, says why, and tells the host only a code', async () => {
    await openHost();
    await fillCard('4000002500000004');
    await frame().getByRole('button', { name: 'Save card' }).click();
    await expect
      .poll(() => frame().getByRole('alert').textContent())
      .toBe('Check the card number: it is incomplete or mistyped.');
    expect(await frame().getByLabel('Card number').getAttribute('aria-invalid')).toBe('true');
    // The host's message event comes in a task of its own, after the frame shows the alert.
    await expect
      .poll(async () => ofType(await messages(), 'settle:card-error'))
      .toEqual([{ type: 'settle:card-error', code: 'invalid_number' }]);
    expect(tokenRequests).toEqual([]);
  });

  it("shows the server's error message and posts its code", async () => {
    await openHost();
    await fillCard('4000000000000069');
    await frame().getByRole('button', { name: 'Save card' }).click();
    await expect
      .poll(async () => ofType(await messages(), 'settle:card-error'))
      .toEqual([{ type: 'settle:card-error', code: 'expired_card' }]);
    expect(await frame().getByRole('alert').textContent()).toBe('The server says: expired.');
    expect(JSON.stringify(await messages())).not.toContain('4000000000000069');
  });

  it('says in its own language that too many cards were entered, or that Settle is unavailable', async () => {
    await page.goto(`${origins.host}/narrow-fr`);
    await expect.poll(async () => ofType(await messages(), 'settle:card-ready')).toHaveLength(1);
    const save = frame().getByRole('button', { name: 'Enregistrer la carte' });
    await frame().getByLabel('Numéro de carte').pressSequentially('4000000000000002');
    await frame().getByLabel('Date d’expiration (MM/AA)').pressSequentially('1234');
    await frame().getByLabel('Cryptogramme visuel (CVC)').pressSequentially('123');
    await save.click();
    await expect
      .poll(async () => ofType(await messages(), 'settle:card-error'))
      .toEqual([{ type: 'settle:card-error', code: 'too_many_card_tokens' }]);
    expect(await frame().getByRole('alert').textContent()).toBe(
      'Trop de cartes saisies depuis ce réseau à l’instant. Réessayez dans une minute.',
    );

    await frame().getByLabel('Numéro de carte').fill('');
    await frame().getByLabel('Numéro de carte').pressSequentially('4000000000009995');
    await save.click();
    await expect.poll(async () => ofType(await messages(), 'settle:card-error')).toHaveLength(2);
    expect(ofType(await messages(), 'settle:card-error')[1]?.code).toBe('store_unavailable');
    expect(await frame().getByRole('alert').textContent()).toBe(
      'La saisie de carte est momentanément indisponible : la carte n’a pas été enregistrée. Réessayez dans un instant.',
    );
  });

  it('obeys messages from its parent window only', async () => {
    await openHost();
    const html = frame().locator('html');
    await page.evaluate(`window.sendToCard({ type: 'settle:card-theme', theme: 'light' })`);
    await expect.poll(() => html.getAttribute('data-theme')).toBe('light');

    // A frame of another origin, then a frame of the host's own origin that is not the parent.
    const attack = `parent.frames[0].postMessage({ type: 'settle:card-submit' }, '*');
      parent.frames[0].postMessage({ type: 'settle:card-theme', theme: 'dark' }, '*');`;
    for (const title of ['Sibling 0', 'Sibling 1']) {
      const sibling = await page.locator(`iframe[title="${title}"]`).elementHandle();
      const siblingFrame = await sibling?.contentFrame();
      expect(siblingFrame?.url()).toMatch(/\/blank$/);
      await siblingFrame?.evaluate(attack);
    }
    // The fields are empty, so an obeyed submit answers with an error. The parent's own submit,
    // posted last, gives the one expected error: by then every earlier message was handled.
    await page.evaluate(`window.sendToCard({ type: 'settle:card-submit' })`);
    await expect.poll(async () => ofType(await messages(), 'settle:card-error')).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ofType(await messages(), 'settle:card-error')).toEqual([
      { type: 'settle:card-error', code: 'invalid_number' },
    ]);
    expect(await html.getAttribute('data-theme')).toBe('light');

    await fillCard(PAN);
    await page.evaluate(`window.sendToCard({ type: 'settle:card-submit' })`);
    await expect.poll(async () => ofType(await messages(), 'settle:card-token')).toHaveLength(1);
    expect(tokenRequests).toHaveLength(1);
  });

  it("lines up the expiry and CVC fields in French on a phone, on the chat app's background", async () => {
    await page.goto(`${origins.host}/narrow-fr`);
    await expect.poll(async () => ofType(await messages(), 'settle:card-ready')).toHaveLength(1);
    await page.evaluate(`window.sendToCard({ type: 'settle:card-theme', theme: 'dark' })`);
    const top = (label: string) =>
      frame()
        .getByLabel(label)
        .evaluate((input) => input.getBoundingClientRect().top);
    const [expiry, cvc] = [
      await top('Date d’expiration (MM/AA)'),
      await top('Cryptogramme visuel (CVC)'),
    ];
    expect(Math.abs(expiry - cvc)).toBeLessThan(1);
    const background = frame()
      .locator('html')
      .evaluate((html) => html.ownerDocument.defaultView?.getComputedStyle(html).backgroundColor);
    expect(await background).toBe('rgba(0, 0, 0, 0)');
  });

  it("follows the text size the user set in the browser, as the chat app's page does", async () => {
    const large = await browser.newPage();
    try {
      // Chromium's "Font size" setting at 32 px instead of 16: text twice as large.
      const cdp = await large.context().newCDPSession(large);
      await cdp.send('Page.setFontSizes', { fontSizes: { standard: 32, fixed: 26 } });
      // In French on a phone, where the labels are longest.
      await large.goto(`${origins.host}/narrow-fr`);
      const card = large.frameLocator('iframe[title="Card"]');
      const number = card.getByLabel('Numéro de carte');
      const fontSize = number.evaluate(
        (input) => input.ownerDocument.defaultView?.getComputedStyle(input).fontSize,
      );
      expect(await fontSize).toBe('32px');
      // Too large for side by side: the expiry and the CVC, one under the other, fit the frame.
      const box = (label: string) =>
        card.getByLabel(label).evaluate((input) => {
          const { left, right, top, bottom } = input.getBoundingClientRect();
          return {
            left,
            right,
            top,
            bottom,
            width: input.ownerDocument.documentElement.clientWidth,
          };
        });
      const expiry = await box('Date d’expiration (MM/AA)');
      const cvc = await box('Cryptogramme visuel (CVC)');
      expect(cvc.top).toBeGreaterThanOrEqual(expiry.bottom);
      expect(Math.max(expiry.right, cvc.right)).toBeLessThanOrEqual(cvc.width);
    } finally {
      await large.close();
    }
  });

  it('passes axe empty and refusing a number, light and dark, in English and French', async () => {
    const violations = () => axeViolations(page, 'iframe[title="Card"]');
    await openHost();
    expect(await violations()).toEqual([]);
    await fillCard('4000002500000004');
    await frame().getByRole('button', { name: 'Save card' }).click();
    await expect.poll(() => frame().getByRole('alert').textContent()).not.toBe('');
    expect(await violations()).toEqual([]);

    await page.goto(`${origins.host}/narrow-fr`);
    await expect.poll(async () => ofType(await messages(), 'settle:card-ready')).toHaveLength(1);
    await page.evaluate(`window.sendToCard({ type: 'settle:card-theme', theme: 'dark' })`);
    await expect.poll(() => frame().locator('html').getAttribute('data-theme')).toBe('dark');
    // The frame is transparent over a dark chat; axe cannot see through frames, so the chat's
    // background is painted in the frame itself.
    await frame()
      .locator('html')
      .evaluate((html) => {
        html.style.background = '#1c1b1f';
      });
    await frame().getByRole('button', { name: 'Enregistrer la carte' }).click();
    await expect.poll(() => frame().getByRole('alert').textContent()).not.toBe('');
    expect(await violations()).toEqual([]);
  });

  it('refuses to be framed by an origin missing from frame-ancestors', async () => {
    const evilPage = await browser.newPage();
    try {
      const refused = evilPage.waitForEvent('console', {
        predicate: (message) => message.text().includes('frame-ancestors'),
        timeout: 5_000,
      });
      await evilPage.goto(`${origins.evil}/framer`);
      await refused;
      const card = evilPage.frameLocator('iframe[title="Card"]');
      expect(await card.getByLabel('Card number').count()).toBe(0);
      expect(await messages(evilPage)).toEqual([]);
    } finally {
      await evilPage.close();
    }
  });
}, 15_000);
