import { expect } from '@open-wc/testing';
import './define.js';
import '../payment-bubble/define.js';
import { bubbleOnPage, inShadow, requestBetween, textOf, until } from '../testing/server.js';
import type { SettleProvider } from './provider.component.js';

const payButton = async (el: Element) =>
  textOf(await until(() => el.shadowRoot?.querySelector('[part="pay"]'), 5000, 'the pay button'));

// Its own file, so its page has not loaded the French strings yet when the provider starts
// (and the test runner delays them, as a slow phone would).
describe('settle-provider language', () => {
  it('renders a French page in French from the first paint, never English first', async () => {
    const { payer, requestId } = await requestBetween(1250, 'Ciné');
    const { el } = await bubbleOnPage(payer, requestId, 'fr');
    // Connected synchronously, rendered in a later microtask: every render is observed.
    const seen: string[] = [];
    const watch = new MutationObserver(() => seen.push(textOf(el)));
    watch.observe(el.shadowRoot as ShadowRoot, {
      subtree: true,
      childList: true,
      characterData: true,
    });
    expect(await payButton(el)).to.equal('Payer 12,50 €');
    watch.disconnect();
    expect(seen.filter((text) => /Request|Asked by|Pay |Decline/.test(text))).to.deep.equal([]);
  });

  it('stays French when a provider already taken off the page updates late', async () => {
    const { payer, requestId } = await requestBetween(1250);
    const english = await bubbleOnPage(payer, requestId, 'en');
    expect(await payButton(english.el)).to.equal('Pay €12.50');
    const old = english.host.querySelector('settle-provider') as SettleProvider;
    english.host.remove();
    const french = await bubbleOnPage(payer, requestId, 'fr');
    expect(await payButton(french.el)).to.equal('Payer 12,50 €');
    // What an account load finishing after the removal does.
    old.requestUpdate();
    await old.updateComplete;
    await french.el.updateComplete;
    expect(textOf(inShadow(french.el, '[part="pay"]'))).to.equal('Payer 12,50 €');
  });
});
