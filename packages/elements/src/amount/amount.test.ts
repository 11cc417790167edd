import { expect, fixture, html } from '@open-wc/testing';
import '../provider/define.js';
import './define.js';
import { expectAccessible } from '../testing/a11y.js';
import { settleUrl, tokenUrl, uid, until } from '../testing/server.js';
import type { SettleAmount } from './amount.component.js';

const text = (el: SettleAmount) =>
  el.shadowRoot?.querySelector('[part="amount"]')?.textContent?.replace(/[\u202f\u00a0]/g, ' ');

describe('settle-amount', () => {
  it('formats minor units in the language of the page around it', async () => {
    const wrapper = await fixture(
      html`<div lang="fr-FR"><settle-amount value="2050" currency="EUR"></settle-amount></div>`,
    );
    const el = wrapper.querySelector('settle-amount') as SettleAmount;
    await el.updateComplete;
    expect(text(el)).to.equal('20,50 €');
  });

  it("follows the provider's language when it changes, as the other elements do", async () => {
    const provider = await fixture(html`<settle-provider
      lang="fr"
      base-url=${await settleUrl()}
      token-url=${tokenUrl(uid('amy'))}
    >
      <settle-amount value="2050" currency="EUR"></settle-amount>
    </settle-provider>`);
    const el = provider.querySelector('settle-amount') as SettleAmount;
    await until(() => text(el) === '20,50 €', 3000, 'French');
    // As a React app re-renders <Provider lang>, or a page switches language.
    provider.setAttribute('lang', 'en');
    await until(() => text(el) === '€20.50', 3000, `English (showing ${text(el)})`);
  });

  it('follows an explicit locale and re-renders when the value changes', async () => {
    const el = await fixture<SettleAmount>(
      html`<settle-amount value="125000" currency="USD" locale="en-US"></settle-amount>`,
    );
    expect(text(el)).to.equal('$1,250.00');
    el.value = 1875;
    await el.updateComplete;
    expect(text(el)).to.equal('$18.75');
  });

  it('is accessible, in English and in French, on light and dark pages', async () => {
    const el = await fixture<SettleAmount>(
      html`<settle-amount value="700" currency="GBP" locale="en-GB"></settle-amount>`,
    );
    await expectAccessible(el);
    const french = await fixture(
      html`<p lang="fr-FR">Total : <settle-amount value="2050" currency="EUR"></settle-amount></p>`,
    );
    await expectAccessible(french.querySelector('settle-amount') as SettleAmount);
  });
});
