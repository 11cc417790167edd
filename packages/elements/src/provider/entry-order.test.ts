import { expect } from '@open-wc/testing';
// Only the bubble's entry, as a page that forgot (or loads later) the provider's would.
import '../payment-bubble/define.js';
import { bubbleOnPage, inShadow, requestBetween, textOf, until } from '../testing/server.js';

describe('the entry of one element', () => {
  it('brings the provider along, so the element gets its session in any load order', async () => {
    expect(customElements.get('settle-provider')).to.not.equal(undefined);
    const { payer, requestId } = await requestBetween(900, 'Taxi');
    const { el } = await bubbleOnPage(payer, requestId, 'en');
    await until(() => el.shadowRoot?.querySelector('[part="pay"]'), 5000, 'the pay button');
    expect(textOf(inShadow(el, '[part="pay"]'))).to.equal('Pay €9.00');
  });
});
