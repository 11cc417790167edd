// The demo's page chrome in real Chromium, on a desktop and on a phone-sized screen: what
// the story in e2e.test.ts does not look at (nothing is set up here, the page only opens).
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../../../scripts/chromium.mjs';
import { type RunningDemo, startDemo } from './testing/demo-servers.js';

let demo: RunningDemo;
let browser: Browser;

beforeAll(async () => {
  demo = await startDemo();
  browser = await chromium.launch(chromiumLaunchOptions);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

async function open(width: number, locale = 'en-US'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 740 }, locale });
  page.setDefaultTimeout(10_000);
  await page.goto(demo.url);
  await page.locator('#chloe-title').waitFor();
  return page;
}

describe('the demo page', { timeout: 30_000 }, () => {
  for (const [width, locale, admin] of [
    [375, 'en-US', 'Platform admin'],
    [375, 'fr-FR', 'Administration'],
    [1280, 'en-US', 'Platform admin'],
    [1280, 'fr-FR', 'Administration'],
  ] as const) {
    it(`opens the platform admin panel inside the screen, ${width} px wide, ${locale}`, async () => {
      const page = await open(width, locale);
      await page.getByText(admin, { exact: true }).click();
      const panel = page.locator('.admin-panel');
      await panel.waitFor();
      const box = await panel.boundingBox();
      expect(box?.x).toBeGreaterThanOrEqual(0);
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(width);
      // One account a line, each checkbox beside its own name.
      const tops = await panel
        .getByRole('switch')
        .evaluateAll((boxes) => boxes.map((b) => Math.round(b.getBoundingClientRect().top)));
      expect(tops).toHaveLength(3);
      expect(new Set(tops).size).toBe(3);
      await page.close();
    });
  }

  it('puts the platform admin panel away with Escape, the focus back on its button', async () => {
    const page = await open(1280);
    const button = page.getByText('Platform admin', { exact: true });
    await button.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('switch', { name: 'Freeze Alice' }).focus();
    await page.keyboard.press('Escape');
    await page.locator('.admin-panel').waitFor({ state: 'hidden' });
    expect(
      await button.evaluate((summary) => summary === summary.ownerDocument.activeElement),
    ).toBe(true);
    await page.close();
  });

  for (const [locale, send] of [
    ['en-US', 'Send'],
    ['fr-FR', 'Envoyer'],
  ] as const) {
    // 360 px: a common Android width, and what 375 px leaves beside a classic scrollbar.
    it(`fits a 360 px screen without scrolling sideways, ${locale}`, async () => {
      const page = await open(360, locale);
      // The composer's button, the widest of its row, in the page's language.
      await page.getByRole('button', { name: send, exact: true }).first().waitFor();
      const { scrollWidth, clientWidth } = await page.locator('html').evaluate((root) => ({
        scrollWidth: root.scrollWidth,
        clientWidth: root.clientWidth,
      }));
      expect(scrollWidth).toBe(clientWidth);
      await page.close();
    });
  }

  // Chromium's text size setting at 200 % (its default font size 16 → 32 px), as WCAG 1.4.4.
  it('keeps each phone inside a 360 px screen with the text at 200 %', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Page.setFontSizes', { fontSizes: { standard: 32, fixed: 26 } });
    await page.goto(demo.url);
    await page.getByRole('button', { name: 'Set up payments' }).first().waitFor();
    const { scrollWidth, clientWidth } = await page.locator('html').evaluate((root) => ({
      scrollWidth: root.scrollWidth,
      clientWidth: root.clientWidth,
    }));
    expect(scrollWidth).toBe(clientWidth);
    // Off the left edge is worse than scrolling: out of reach.
    for (const box of await page
      .locator('demo-phone')
      .evaluateAll((phones) => phones.map((p) => p.getBoundingClientRect().toJSON()))) {
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.right).toBeLessThanOrEqual(clientWidth);
    }
    await context.close();
  });

  it("names each phone's notifications after its owner, so that landmarks can be told apart", async () => {
    for (const [locale, names] of [
      ['en-US', ['Alice’s notifications', 'Bob’s notifications', 'Chloé’s notifications']],
      ['fr-FR', ['Notifications d’Alice', 'Notifications de Bob', 'Notifications de Chloé']],
    ] as const) {
      const page = await open(1280, locale);
      const regions = await page
        .locator('demo-phone [role="region"][aria-label]')
        .evaluateAll((all) => all.map((region) => region.getAttribute('aria-label')));
      expect(regions).toEqual(names);
      await page.close();
    }
  });

  it('asks, in French, before Météo reads a message', async () => {
    const page = await open(1280, 'fr-FR');
    const composer = page
      .getByRole('region', { name: 'Téléphone de Bob' })
      .getByRole('textbox', { name: 'Message' });
    await composer.fill('Il va pleuvoir demain ?');
    await composer.press('Enter');
    const question = page
      .getByRole('region', { name: 'Téléphone d’Alice' })
      .getByRole('group', { name: 'Autoriser Météo à lire vos messages ?' });
    await question.waitFor();
    expect(await question.locator('p').textContent()).toBe(
      'Donne la météo quand un message parle du temps qu’il fait.',
    );
    await page.close();
  });
});
