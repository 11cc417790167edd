// axe-core checks for the component tests, through @open-wc/testing's `accessible()`.
import { expect } from '@open-wc/testing';
import type * as Axe from 'axe-core';

type Themed = HTMLElement & { theme?: 'light' | 'dark'; updateComplete?: Promise<unknown> };

let configured: Promise<void> | undefined;

/** axe as chai-a11y-axe runs it, with WCAG 2.2's target size (2.5.8, AA) on: axe leaves it off. */
function configureAxe() {
  configured ??= (async () => {
    const page = window as unknown as { axe?: typeof Axe };
    // @ts-expect-error The browser build has no types of its own: it sets `window.axe`.
    if (!page.axe) await import('axe-core/axe.min.js');
    page.axe?.configure({ rules: [{ id: 'target-size', enabled: true }] });
  })();
  return configured;
}

/**
 * Runs axe on `el` (its shadow content and open dialogs included) in the light and the dark
 * theme, on a page of the same scheme, as a chat app in dark mode is: contrast is measured
 * against what is really behind the text. Restores the element's own theme after.
 */
export async function expectAccessible(el: Themed, what = el.localName) {
  await configureAxe();
  const own = el.theme;
  const root = document.documentElement;
  try {
    for (const theme of ['light', 'dark'] as const) {
      el.theme = theme;
      root.style.colorScheme = theme;
      // `Canvas`: the browser's page background in that scheme.
      document.body.style.background = 'Canvas';
      await el.updateComplete;
      // Settle elements inside it (the PIN prompt in a dialog) are drawn in its theme too.
      const nested = [...(el.shadowRoot?.querySelectorAll('*') ?? [])].filter((e) =>
        e.localName.startsWith('settle-'),
      );
      for (const part of [el, ...nested]) {
        expect(getComputedStyle(part).colorScheme, `${part.localName} in ${theme}`).to.equal(theme);
      }
      try {
        await expect(el).to.be.accessible();
      } catch (error) {
        throw new Error(`${what}, ${theme} theme: ${(error as Error).message}`);
      }
    }
  } finally {
    el.theme = own;
    root.style.colorScheme = '';
    document.body.style.background = '';
    await el.updateComplete;
  }
}
