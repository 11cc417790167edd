import { expect, fixture, html } from '@open-wc/testing';
import type { MoneyRequest } from '@settle/sdk';
import './define.js';
import '../payment-bubble/define.js';
import type { SettlePaymentBubble } from '../payment-bubble/payment-bubble.component.js';
import {
  enroll,
  inShadow,
  sdkFor,
  settleUrl,
  textOf,
  tokenUrl,
  uid,
  until,
} from '../testing/server.js';
import type { SettleProvider } from './provider.component.js';

// Its own file, so its page has not loaded the French strings yet when the provider starts.
describe('settle-provider language', () => {
  it('renders a French page in French from the first paint, never English first', async () => {
    const [alice, bob] = [uid('alice'), uid('bob')];
    await Promise.all([enroll(alice), enroll(bob)]);
    const { data } = await (await sdkFor(alice)).requests.create({
      note: 'Ciné',
      payers: [{ userId: bob, amount: { value: 1250, currency: 'EUR' } }],
    });
    const host = await fixture(html`<div></div>`);
    host.innerHTML = `<settle-provider lang="fr" base-url="${await settleUrl()}"
      token-url="${tokenUrl(bob)}"><settle-payment-bubble request-id="${(data[0] as MoneyRequest).id}">
      </settle-payment-bubble></settle-provider>`;
    // Connected synchronously, rendered in a later microtask: every render is observed.
    const el = host.querySelector('settle-payment-bubble') as SettlePaymentBubble;
    const seen: string[] = [];
    const watch = new MutationObserver(() => seen.push(textOf(el)));
    watch.observe(el.shadowRoot as ShadowRoot, {
      subtree: true,
      childList: true,
      characterData: true,
    });
    await until(() => el.shadowRoot?.querySelector('[part="pay"]'), 5000, 'the pay button');
    watch.disconnect();
    expect(textOf(inShadow(el, '[part="pay"]'))).to.equal('Payer 12,50 €');
    expect(seen.filter((text) => /Request|Asked by|Pay |Decline/.test(text))).to.deep.equal([]);
  });

  it('stays French when a provider already taken off the page updates late', async () => {
    const [alice, bob] = [uid('alice'), uid('bob')];
    await Promise.all([enroll(alice), enroll(bob)]);
    const { data } = await (await sdkFor(alice)).requests.create({
      payers: [{ userId: bob, amount: { value: 1250, currency: 'EUR' } }],
    });
    const id = (data[0] as MoneyRequest).id;
    const page = async (lang: string) => {
      const host = await fixture(html`<div></div>`);
      host.innerHTML = `<settle-provider lang="${lang}" base-url="${await settleUrl()}"
        token-url="${tokenUrl(bob)}"><settle-payment-bubble request-id="${id}">
        </settle-payment-bubble></settle-provider>`;
      const el = host.querySelector('settle-payment-bubble') as SettlePaymentBubble;
      await until(() => el.shadowRoot?.querySelector('[part="pay"]'), 5000, 'the pay button');
      return { host, el };
    };
    const english = await page('en');
    expect(textOf(inShadow(english.el, '[part="pay"]'))).to.equal('Pay €12.50');
    const old = english.host.querySelector('settle-provider') as SettleProvider;
    english.host.remove();
    const french = await page('fr');
    expect(textOf(inShadow(french.el, '[part="pay"]'))).to.equal('Payer 12,50 €');
    // What an account load finishing after the removal does.
    old.requestUpdate();
    await old.updateComplete;
    await french.el.updateComplete;
    expect(textOf(inShadow(french.el, '[part="pay"]'))).to.equal('Payer 12,50 €');
  });
});
