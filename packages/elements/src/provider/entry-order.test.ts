import { expect, fixture } from '@open-wc/testing';
import type { MoneyRequest } from '@settle/sdk';
// Only the bubble's entry, as a page that forgot (or loads later) the provider's would.
import '../payment-bubble/define.js';
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

describe('the entry of one element', () => {
  it('brings the provider along, so the element gets its session in any load order', async () => {
    expect(customElements.get('settle-provider')).to.not.equal(undefined);
    const [alice, bob] = [uid('alice'), uid('bob')];
    await Promise.all([enroll(alice), enroll(bob)]);
    const { data } = await (await sdkFor(alice)).requests.create({
      note: 'Taxi',
      payers: [{ userId: bob, amount: { value: 900, currency: 'EUR' } }],
    });
    const host = await fixture('<div></div>');
    host.innerHTML = `<settle-provider base-url="${await settleUrl()}" token-url="${tokenUrl(bob)}">
      <settle-payment-bubble request-id="${(data[0] as MoneyRequest).id}"></settle-payment-bubble>
    </settle-provider>`;
    const el = host.querySelector('settle-payment-bubble') as HTMLElement;
    await until(() => el.shadowRoot?.querySelector('[part="pay"]'), 5000, 'the pay button');
    expect(textOf(inShadow(el, '[part="pay"]'))).to.equal('Pay €9.00');
  });
});
