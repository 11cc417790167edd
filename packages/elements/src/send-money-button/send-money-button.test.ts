import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { createSettle, type Transfer } from '@settle/sdk';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import '../provider/define.js';
import './define.js';
import type { SettlePinPrompt } from '../pin-prompt/pin-prompt.component.js';
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
import type { SettleSendMoneyButton } from './send-money-button.component.js';

async function mount(sender: string, recipient: string, lang = 'en') {
  const baseUrl = await settleUrl();
  const provider = await fixture(html`<settle-provider
    lang=${lang}
    base-url=${baseUrl}
    token-url=${tokenUrl(sender)}
    .displayName=${(id: string) => (id === recipient ? 'Bob' : id)}
  >
    <settle-send-money-button recipient-id=${recipient} conversation-id="c_1">
    </settle-send-money-button>
  </settle-provider>`);
  const el = provider.querySelector('settle-send-money-button') as SettleSendMoneyButton;
  // Ready once the account is loaded: the button is enabled.
  await until(() => !inShadow<HTMLButtonElement>(el, '[part="button"]').disabled);
  return el;
}

const dialogOf = (el: SettleSendMoneyButton) => inShadow<HTMLDialogElement>(el, 'dialog');
const input = (el: SettleSendMoneyButton, part: string) =>
  inShadow<HTMLInputElement>(el, `[part="${part}"]`);

function type(field: HTMLInputElement, value: string) {
  field.value = value;
  field.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}

async function pair() {
  const [alice, bob] = [uid('alice'), uid('bob')];
  await Promise.all([enroll(alice), enroll(bob)]);
  return { alice, bob };
}

describe('settle-send-money-button', () => {
  it('sends a small amount without the PIN and gives the focus back', async () => {
    const { alice, bob } = await pair();
    const el = await mount(alice, bob);
    const button = inShadow<HTMLButtonElement>(el, '[part="button"]');
    button.focus();
    button.click();
    await el.updateComplete;
    expect(dialogOf(el).open).to.equal(true);
    expect(textOf(dialogOf(el))).to.contain('Send money to Bob');

    type(input(el, 'amount'), '12.50');
    type(input(el, 'note'), 'Pizza');
    const sent = oneEvent(el, 'settle-transfer');
    inShadow<HTMLButtonElement>(el, '[part="submit"]').click();
    const { transfer } = (await sent).detail as { transfer: Transfer };

    expect(transfer).to.include({ recipientId: bob, senderId: alice, note: 'Pizza' });
    expect(transfer.conversationId).to.equal('c_1');
    expect(transfer.amount).to.deep.equal({ value: 1250, currency: 'EUR' });
    expect(dialogOf(el).open).to.equal(false);
    expect(focused(el)).to.equal('button');
    await until(() => textOf(inShadow(el, '[role="status"]')).includes('You sent €12.50 to Bob.'));
    // The recipient sees it too.
    const bobsView = await (await sdkFor(bob)).transfers.get(transfer.id);
    expect(bobsView.amount.value).to.equal(1250);
  });

  it('keeps a declined payment in the dialog, with the focus, and posts nothing', async () => {
    const [erin, bob] = [uid('erin'), uid('bob')];
    await Promise.all([enroll(erin, '4000000000000002'), enroll(bob)]);
    const el = await mount(erin, bob);
    let posted = 0;
    el.addEventListener('settle-transfer', () => posted++);
    await el.open({ amount: 500 });
    const submit = input(el, 'submit');
    submit.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => textOf(inShadow(el, '[part="error"]')) === 'Your card was declined.');
    expect(dialogOf(el).open).to.equal(true);
    expect(focused(el)).to.equal('submit');
    expect(posted).to.equal(0);
  });

  it('asks for the PIN above the exemption, showing the amount and payee it confirms', async () => {
    const { alice, bob } = await pair();
    const el = await mount(alice, bob);
    await el.open({ amount: 5000, note: 'Concert' });
    expect(input(el, 'amount').value).to.equal('50.00');
    inShadow<HTMLButtonElement>(el, '[part="submit"]').click();

    const prompt = await until(() =>
      el.shadowRoot?.querySelector<SettlePinPrompt>('settle-pin-prompt'),
    );
    await prompt.updateComplete;
    expect(textOf(inShadow(prompt, '[part="summary"]'))).to.equal('€50.00 to Bob');
    const pinInput = inShadow<HTMLInputElement>(prompt, '[part="input"]');
    expect(focused(prompt)).to.equal('input');

    pinInput.value = '111222';
    inShadow<HTMLButtonElement>(prompt, '[part="confirm"]').click();
    const error = inShadow(prompt, '[part="error"]');
    await until(() => error.textContent?.includes('That PIN is not right'));
    expect(pinInput.value).to.equal('');

    pinInput.value = PIN;
    const sent = oneEvent(el, 'settle-transfer');
    inShadow<HTMLButtonElement>(prompt, '[part="confirm"]').click();
    const { transfer } = (await sent).detail as { transfer: Transfer };
    expect(transfer.amount).to.deep.equal({ value: 5000, currency: 'EUR' });
    expect(transfer.status).to.equal('completed');
    expect(dialogOf(el).open).to.equal(false);
    const history = await (await sdkFor(alice)).transfers.list();
    expect(history.data.map((t) => t.id)).to.deep.equal([transfer.id]);
  });

  it('knows this browser once its PIN was given here: only the first payment asks for it', async () => {
    const { alice, bob } = await pair();
    // Alice confirmed a payment with her PIN on her phone: any other device is new to Settle.
    const phone = createSettle({
      baseUrl: await settleUrl(),
      getToken: () => fetch(tokenUrl(alice)).then((res) => res.text()),
      deviceId: 'alices-phone',
    });
    const amount = { value: 400, currency: 'EUR' };
    const { authorization } = await phone.authorizations.create({ pin: PIN, amount, payeeId: bob });
    await phone.transfers.create({ recipientId: bob, amount, authorization });

    const el = await mount(alice, bob);
    const pinAsked = () => el.shadowRoot?.querySelector<SettlePinPrompt>('settle-pin-prompt');
    await el.open({ amount: 500 });
    inShadow<HTMLButtonElement>(el, '[part="submit"]').click();
    const prompt = await until(pinAsked, 5000, 'the PIN, on a new device');
    await prompt.updateComplete;
    inShadow<HTMLInputElement>(prompt, '[part="input"]').value = PIN;
    const first = oneEvent(el, 'settle-transfer');
    inShadow<HTMLButtonElement>(prompt, '[part="confirm"]').click();
    await first;

    // The same browser later (a reload: another provider): small payments need no PIN.
    const again = await mount(alice, bob);
    await again.open({ amount: 600 });
    const second = oneEvent(again, 'settle-transfer');
    inShadow<HTMLButtonElement>(again, '[part="submit"]').click();
    const { transfer } = (await second).detail as { transfer: Transfer };
    expect(transfer.amount.value).to.equal(600);
    expect(again.shadowRoot?.querySelector('settle-pin-prompt')).to.equal(null);
  });

  it('gives the focus back to what opened it, such as an assistant chip', async () => {
    const { alice, bob } = await pair();
    const el = await mount(alice, bob);
    const chip = document.createElement('button');
    chip.textContent = 'Send €15.00';
    chip.addEventListener('click', () => el.open({ amount: 1500 }));
    el.after(chip);
    chip.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => dialogOf(el).open);
    await sendKeys({ press: 'Escape' });
    await until(() => !dialogOf(el).open);
    // A boolean: chai describing a page's elements in its message takes minutes.
    expect(document.activeElement === chip, 'the focus on the chip').to.equal(true);
    // Gone meanwhile (a chip used up): the focus goes to the button, not lost on the page.
    chip.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => dialogOf(el).open);
    chip.remove();
    await sendKeys({ press: 'Escape' });
    await until(() => !dialogOf(el).open);
    expect(focused(el)).to.equal('button');
  });

  it('works with the keyboard alone', async () => {
    const { alice, bob } = await pair();
    const el = await mount(alice, bob);
    const before = document.createElement('button');
    before.textContent = 'before';
    el.before(before);
    before.focus();

    await sendKeys({ press: 'Tab' });
    expect(focused(el)).to.equal('button');
    await sendKeys({ press: 'Enter' });
    await until(() => dialogOf(el).open);
    // The focus moved into the dialog, onto the amount.
    expect(focused(el)).to.equal('amount');
    await sendKeys({ type: '20' });
    await sendKeys({ press: 'Tab' });
    expect(focused(el)).to.equal('note');
    await sendKeys({ type: 'Cinema' });

    const sent = oneEvent(el, 'settle-transfer');
    await sendKeys({ press: 'Enter' });
    const { transfer } = (await sent).detail as { transfer: Transfer };
    expect(transfer).to.include({ note: 'Cinema' });
    expect(transfer.amount.value).to.equal(2000);
    expect(focused(el)).to.equal('button');

    // Escape closes the dialog and the focus comes back again.
    await sendKeys({ press: 'Enter' });
    await until(() => dialogOf(el).open);
    await sendKeys({ press: 'Escape' });
    await until(() => !dialogOf(el).open);
    expect(focused(el)).to.equal('button');
  });

  it('pays once when the answer is lost and the user presses Send again', async () => {
    const { alice, bob } = await pair();
    const baseUrl = await settleUrl();
    let lose = 1;
    // The transfer reaches the server, but its answer never reaches the page.
    const client = createSettle({
      baseUrl,
      getToken: () => fetch(tokenUrl(alice)).then((res) => res.text()),
      maxRetries: 0,
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        if (init?.method === 'POST' && String(input).endsWith('/v1/transfers') && lose-- > 0) {
          throw new TypeError('Failed to fetch');
        }
        return res;
      },
    });
    const provider = await fixture(html`<settle-provider base-url=${baseUrl} .client=${client}>
      <settle-send-money-button recipient-id=${bob}></settle-send-money-button>
    </settle-provider>`);
    const el = provider.querySelector('settle-send-money-button') as SettleSendMoneyButton;
    await until(() => !inShadow<HTMLButtonElement>(el, '[part="button"]').disabled);
    await el.open({ amount: 1500 });
    inShadow<HTMLButtonElement>(el, '[part="submit"]').click();
    await until(() => textOf(inShadow(el, '[part="error"]')).includes('could not be reached'));
    expect(dialogOf(el).open).to.equal(true);

    const sent = oneEvent(el, 'settle-transfer');
    inShadow<HTMLButtonElement>(el, '[part="submit"]').click();
    const { transfer } = (await sent).detail as { transfer: Transfer };
    const { data } = await (await sdkFor(alice)).transfers.list();
    expect(data.map((t) => t.id)).to.deep.equal([transfer.id]);
  });

  it('says what is wrong with an amount and sends nothing', async () => {
    const { alice, bob } = await pair();
    const el = await mount(alice, bob);
    await el.open();
    type(input(el, 'amount'), '12.345');
    inShadow<HTMLButtonElement>(el, '[part="submit"]').click();
    await el.updateComplete;
    expect(input(el, 'amount').getAttribute('aria-invalid')).to.equal('true');
    expect(textOf(inShadow(el, '#amount-error'))).to.equal('Enter an amount, like 12.50.');
    expect((await (await sdkFor(alice)).transfers.list()).data).to.deep.equal([]);
  });

  it('offers enrollment to a user who has not set up payments', async () => {
    const el = await mount(uid('newbie'), uid('bob'));
    const required = oneEvent(el, 'settle-enrollment-required');
    await el.open();
    expect(textOf(dialogOf(el))).to.contain('Set up payments once before you send money.');
    const setup = [...(el.shadowRoot?.querySelectorAll<HTMLButtonElement>('dialog button') ?? [])];
    setup.find((b) => b.textContent?.includes('Set up payments'))?.click();
    await required;
    expect(dialogOf(el).open).to.equal(false);
  });

  it('speaks French', async () => {
    const { alice, bob } = await pair();
    const el = await mount(alice, bob, 'fr-FR');
    // French loads on demand: the button switches to it when it has.
    await until(() => textOf(inShadow(el, '[part="button"]')) === 'Envoyer de l’argent');
    await el.open({ amount: 1250 });
    expect(input(el, 'amount').value).to.equal('12,50');
    expect(textOf(dialogOf(el))).to.contain('Envoyer de l’argent à Bob');
    expect(textOf(inShadow(el, 'label[for="note"]'))).to.equal('Note (facultative)');
    type(input(el, 'amount'), '7,5');
    const sent = oneEvent(el, 'settle-transfer');
    inShadow<HTMLButtonElement>(el, '[part="submit"]').click();
    const { transfer } = (await sent).detail as { transfer: Transfer };
    expect(transfer.amount.value).to.equal(750);
    await until(() =>
      textOf(inShadow(el, '[role="status"]')).includes('Vous avez envoyé 7,50 € à Bob.'),
    );
  });

  it('says when the account cannot be loaded, and offers to try again', async () => {
    const provider = await fixture(html`<settle-provider
      base-url=${await settleUrl()}
      token-url="/__settle/no-such-route"
    >
      <settle-send-money-button recipient-id="bob"></settle-send-money-button>
    </settle-provider>`);
    const el = provider.querySelector('settle-send-money-button') as SettleSendMoneyButton;
    await until(() => !inShadow<HTMLButtonElement>(el, '[part="button"]').disabled);
    await el.open();
    expect(textOf(inShadow(el, '[part="error"]'))).to.equal(
      'Something went wrong. Please try again.',
    );
    expect(textOf(dialogOf(el))).to.contain('Try again');
  });

  it("follows the user's colour scheme unless a theme is set", async () => {
    const { alice, bob } = await pair();
    const el = await mount(alice, bob);
    const button = inShadow(el, '[part="button"]');
    try {
      await emulateMedia({ colorScheme: 'dark' });
      expect(getComputedStyle(button).backgroundColor).to.equal('rgb(124, 180, 255)');
      el.closest('settle-provider')?.setAttribute('theme', 'light');
      await el.updateComplete;
      expect(getComputedStyle(button).backgroundColor).to.equal('rgb(10, 90, 212)');
      el.theme = 'dark';
      await el.updateComplete;
      expect(getComputedStyle(button).backgroundColor).to.equal('rgb(124, 180, 255)');
    } finally {
      await emulateMedia({ colorScheme: 'light' });
    }
  });

  it('is accessible at each step of its dialog, and the PIN step works with the keyboard', async () => {
    const { alice, bob } = await pair();
    const el = await mount(alice, bob);
    await expectAccessible(el, 'closed');
    await el.open();
    await expectAccessible(el, 'the form');
    await sendKeys({ type: 'abc' });
    await sendKeys({ press: 'Enter' });
    await until(() => input(el, 'amount').getAttribute('aria-invalid') === 'true');
    expect(focused(el)).to.equal('amount');
    await expectAccessible(el, 'a wrong amount');

    // Above the exemption: the PIN, in the same dialog, the focus on its field.
    input(el, 'amount').select();
    await sendKeys({ type: '50' });
    await sendKeys({ press: 'Enter' });
    const prompt = await until(() =>
      el.shadowRoot?.querySelector<SettlePinPrompt>('settle-pin-prompt'),
    );
    await prompt.updateComplete;
    await until(() => focused(prompt) === 'input', 2000, 'the focus on the PIN');
    await expectAccessible(el, 'the PIN step');
    // Escape closes the dialog from the PIN step too, and the focus goes back to the button.
    await sendKeys({ press: 'Escape' });
    await until(() => !dialogOf(el).open);
    expect(focused(el)).to.equal('button');

    // Enter in the PIN field confirms.
    await el.open({ amount: 5000 });
    await sendKeys({ press: 'Enter' });
    const again = await until(() =>
      el.shadowRoot?.querySelector<SettlePinPrompt>('settle-pin-prompt'),
    );
    await until(() => focused(again) === 'input', 2000, 'the focus on the PIN');
    const sent = oneEvent(el, 'settle-transfer');
    await sendKeys({ type: PIN });
    await sendKeys({ press: 'Enter' });
    await sent;
    await until(() => !dialogOf(el).open);
    expect(focused(el)).to.equal('button');
  });

  it('is accessible while the account loads, when it cannot, before set-up, and in French', async () => {
    const provider = await fixture(html`<settle-provider
      base-url=${await settleUrl()}
      .getToken=${() => new Promise<string>(() => {})}
    >
      <settle-send-money-button recipient-id="bob"></settle-send-money-button>
    </settle-provider>`);
    const loading = provider.querySelector('settle-send-money-button') as SettleSendMoneyButton;
    await loading.updateComplete;
    expect(inShadow<HTMLButtonElement>(loading, '[part="button"]').disabled).to.equal(true);
    await expectAccessible(loading, 'loading');

    const failing = await fixture(html`<settle-provider
      base-url=${await settleUrl()}
      token-url="/__settle/no-such-route"
    >
      <settle-send-money-button recipient-id="bob"></settle-send-money-button>
    </settle-provider>`);
    const failed = failing.querySelector('settle-send-money-button') as SettleSendMoneyButton;
    await until(() => !inShadow<HTMLButtonElement>(failed, '[part="button"]').disabled);
    await failed.open();
    await expectAccessible(failed, 'the account not loaded');

    const newbie = await mount(uid('newbie'), uid('bob'));
    await newbie.open();
    expect(textOf(dialogOf(newbie))).to.contain('Set up payments once');
    await expectAccessible(newbie, 'set-up needed');

    const { alice, bob } = await pair();
    const french = await mount(alice, bob, 'fr');
    await until(() => textOf(inShadow(french, '[part="button"]')) === 'Envoyer de l’argent');
    await french.open({ amount: 1250 });
    await expectAccessible(french, 'French');
  });
});
