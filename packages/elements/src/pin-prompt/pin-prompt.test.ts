import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../provider/define.js';
import './define.js';
import { expectAccessible } from '../testing/a11y.js';
import {
  enroll,
  focused,
  inShadow,
  PIN,
  sdkFor,
  settleUrl,
  textOf,
  tokenUrl,
  uid,
  until,
} from '../testing/server.js';
import type { AuthorizedDetail, SettlePinPrompt } from './pin-prompt.component.js';

async function mount(payer: string, payee: string, lang = 'en') {
  const provider = await fixture(html`<settle-provider
    lang=${lang}
    base-url=${await settleUrl()}
    token-url=${tokenUrl(payer)}
  >
    <settle-pin-prompt amount="5000" currency="EUR" payee-id=${payee} payee-name="Bob">
    </settle-pin-prompt>
  </settle-provider>`);
  const el = provider.querySelector('settle-pin-prompt') as SettlePinPrompt;
  await el.updateComplete;
  return el;
}

function enter(el: SettlePinPrompt, pin: string) {
  inShadow<HTMLInputElement>(el, '[part="input"]').value = pin;
  inShadow<HTMLButtonElement>(el, '[part="confirm"]').click();
}

describe('settle-pin-prompt', () => {
  it('turns the PIN into an authorization bound to the amount and payee it shows', async () => {
    const [alice, bob] = [uid('alice'), uid('bob')];
    await Promise.all([enroll(alice), enroll(bob)]);
    const el = await mount(alice, bob);
    expect(textOf(inShadow(el, '[part="summary"]'))).to.equal('€50.00 to Bob');
    expect(textOf(inShadow(el, '[part="confirm"]'))).to.equal('Confirm €50.00');

    enter(el, '12');
    await el.updateComplete;
    expect(textOf(inShadow(el, '[part="error"]'))).to.equal('Enter your PIN: 4 to 6 digits.');

    const authorized = oneEvent(el, 'settle-authorized');
    enter(el, PIN);
    const { authorization } = (await authorized).detail as AuthorizedDetail;
    // The authorization pays this amount to this payee, and nothing else.
    const settle = await sdkFor(alice);
    const amount = { value: 5000, currency: 'EUR' };
    const transfer = await settle.transfers.create({ recipientId: bob, amount, authorization });
    expect(transfer.amount).to.deep.equal(amount);
    const other = await settle.transfers
      .create({ recipientId: bob, amount: { value: 5100, currency: 'EUR' }, authorization })
      .catch((error: unknown) => error);
    expect(other).to.have.property('code', 'authentication_required');
  });

  it('says so when the PIN is wrong, and lets the user give up', async () => {
    const [alice, bob] = [uid('alice'), uid('bob')];
    await Promise.all([enroll(alice), enroll(bob)]);
    const el = await mount(alice, bob);
    enter(el, '111222');
    const error = inShadow(el, '[part="error"]');
    await until(() => error.textContent?.includes('That PIN is not right'));
    expect(textOf(error)).to.equal('That PIN is not right. Try again.');
    expect(inShadow<HTMLInputElement>(el, '[part="input"]').getAttribute('aria-invalid')).to.equal(
      'true',
    );
    const canceled = oneEvent(el, 'settle-cancel');
    inShadow<HTMLButtonElement>(el, '[part="cancel"]').click();
    await canceled;
  });

  it('speaks French', async () => {
    const el = await mount(uid('alice'), 'bob', 'fr');
    await until(() => textOf(inShadow(el, '[part="summary"]')) === '50,00 € à Bob');
    expect(textOf(inShadow(el, 'label'))).to.equal('Votre code secret Settle');
  });

  it('is accessible, and works with the keyboard: ready, refused, in French', async () => {
    const [alice, bob] = [uid('alice'), uid('bob')];
    await Promise.all([enroll(alice), enroll(bob)]);
    const el = await mount(alice, bob);
    await expectAccessible(el, 'ready');
    // The field is named, and described by what it confirms and by its error.
    const input = inShadow<HTMLInputElement>(el, '[part="input"]');
    expect(input.getAttribute('aria-describedby')).to.equal('summary pin-error');

    // Enter in the field submits; a wrong PIN is said beside it, the focus staying there.
    el.focus();
    expect(focused(el)).to.equal('input');
    await sendKeys({ type: '111222' });
    await sendKeys({ press: 'Enter' });
    await until(() => input.getAttribute('aria-invalid') === 'true');
    expect(textOf(inShadow(el, '#pin-error'))).to.equal('That PIN is not right. Try again.');
    expect(focused(el)).to.equal('input');
    await expectAccessible(el, 'refused');
    // Tab goes on to Cancel, then Confirm.
    await sendKeys({ press: 'Tab' });
    expect(focused(el)).to.equal('cancel');
    await sendKeys({ press: 'Tab' });
    expect(focused(el)).to.equal('confirm');
    const authorized = oneEvent(el, 'settle-authorized');
    input.focus();
    await sendKeys({ type: PIN });
    await sendKeys({ press: 'Enter' });
    await authorized;

    const french = await mount(alice, bob, 'fr');
    await until(() => textOf(inShadow(french, 'label')) === 'Votre code secret Settle');
    await expectAccessible(french, 'French');
  });
});
