import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { createAssistant, moneyProvider, serverConsent } from '@settle/sdk/assistant';
import { sendKeys } from '@web/test-runner-commands';
import '../provider/define.js';
import './define.js';
import { expectAccessible } from '../testing/a11y.js';
import {
  enroll,
  focused,
  inShadow,
  sdkFor,
  settleDown,
  settleUrl,
  textOf,
  tokenUrl,
  uid,
  until,
} from '../testing/server.js';
import type { SettleSuggestions } from './suggestions.component.js';

/** Alice's page, with the assistant on the real server's consent store. */
async function mount(lang = 'en') {
  const [alice, bob] = [uid('alice'), uid('bob')];
  const baseUrl = await settleUrl();
  const consent = serverConsent({
    baseUrl,
    token: () => fetch(tokenUrl(alice)).then((res) => res.text()),
  });
  const assistant = createAssistant({
    userId: alice,
    providers: [moneyProvider({ currency: 'EUR' })],
    consent,
    locale: lang,
    cadence: 1,
  });
  const provider = await fixture(html`<settle-provider
    lang=${lang}
    base-url=${baseUrl}
    token-url=${tokenUrl(alice)}
    .assistant=${assistant}
  >
    <settle-suggestions conversation-id="c_1"></settle-suggestions>
  </settle-provider>`);
  const el = provider.querySelector('settle-suggestions') as SettleSuggestions;
  await el.updateComplete;
  let n = 0;
  const say = (text: string, conversation = 'c_1') =>
    assistant.observe(
      { id: `m${++n}`, text, authorId: bob },
      { id: conversation, participants: [alice, bob], locale: lang },
    );
  return { el, say, consent, alice, bob };
}

const chips = (el: SettleSuggestions) =>
  [...(el.shadowRoot?.querySelectorAll('[part="suggestion"]') ?? [])].map((b) => textOf(b));

describe('settle-suggestions', () => {
  it('shows a chip for a money message of its conversation, and hands it over when picked', async () => {
    const { el, say, bob } = await mount();
    await say('I owe you €15 for the cinema');
    await say('I owe you €40', 'c_other');
    await until(() => chips(el).length === 1);
    // Bob owes Alice: on her screen, the chip asks him for it.
    expect(chips(el)).to.deep.equal(['Request €15.00']);
    const picked = oneEvent(el, 'settle-suggestion');
    inShadow<HTMLButtonElement>(el, '[part="suggestion"]').click();
    const { suggestion } = (await picked).detail;
    expect(suggestion.data).to.deep.include({ action: 'request', counterpart: bob });
    expect(suggestion.data.amount).to.deep.equal({ value: 1500, currency: 'EUR' });
    expect(chips(el)).to.deep.equal([]);
  });

  it('dismisses a chip with the keyboard, the focus moving on', async () => {
    const { el, say } = await mount();
    await say('I owe you €15');
    await say('you owe me €8');
    await until(() => chips(el).length === 2);
    const dismiss = inShadow<HTMLButtonElement>(el, '[part="dismiss"]');
    expect(dismiss.getAttribute('aria-label')).to.equal(`Dismiss ${chips(el)[0]}`);
    dismiss.click();
    await until(() => chips(el).length === 1);
    expect(focused(el)).to.equal('suggestion');
    await until(() => textOf(inShadow(el, '[role="status"]')) === 'Suggestion dismissed.');
  });

  it('withdraws a money chip once a request or transfer for its amount is made between the two there', async () => {
    const { el, say, alice, bob } = await mount();
    await Promise.all([enroll(alice), enroll(bob)]);
    await say('I owe you €15 for the cinema');
    await say('you owe me €8');
    await until(() => chips(el).length === 2);
    expect(chips(el)).to.deep.equal(['Request €15.00', 'Send €8.00']);
    const eur = (value: number) => ({ value, currency: 'EUR' });
    // In another conversation, it settles nothing here.
    await (await sdkFor(alice)).requests.create({
      conversationId: 'c_other',
      payers: [{ userId: bob, amount: eur(1500) }],
    });
    // Bob asks Alice for the 8 € through Settle: her "Send" chip goes, the focus moving on.
    inShadow<HTMLButtonElement>(el, '[part="chip"]:nth-child(2) [part="suggestion"]').focus();
    await (await sdkFor(bob)).requests.create({
      conversationId: 'c_1',
      payers: [{ userId: alice, amount: eur(800) }],
    });
    await until(() => chips(el).length === 1, 8000, 'the 8 € chip to go');
    expect(chips(el)).to.deep.equal(['Request €15.00']);
    expect(focused(el)).to.equal('suggestion');
    // Bob pays the 15 €: the last chip goes too.
    await (await sdkFor(bob)).transfers.create({
      recipientId: alice,
      amount: eur(1500),
      conversationId: 'c_1',
    });
    await until(() => chips(el).length === 0, 8000, 'the 15 € chip to go');
  });

  it('leaves the user where they are when a payment withdraws another chip', async () => {
    const { el, say, alice, bob } = await mount();
    await Promise.all([enroll(alice), enroll(bob)]);
    await say('I owe you €15');
    await say('you owe me €8');
    await until(() => chips(el).length === 2);
    // Alice is in the second chip's menu when a payment settles the first chip.
    const second = inShadow<HTMLButtonElement>(el, '[part="chip"]:nth-child(2) [part="more"]');
    second.click();
    await el.updateComplete;
    const notHere = inShadow<HTMLButtonElement>(el, '[part="menu"] button');
    notHere.focus();
    await (await sdkFor(alice)).requests.create({
      conversationId: 'c_1',
      payers: [{ userId: bob, amount: { value: 1500, currency: 'EUR' } }],
    });
    await until(() => chips(el).length === 1, 8000, 'the 15 € chip to go');
    expect(chips(el)).to.deep.equal(['Send €8.00']);
    // Its chip, its open menu and the focus in it stay as they were.
    expect(notHere.isConnected).to.equal(true);
    expect(el.shadowRoot?.activeElement).to.equal(notHere);
    expect(second.getAttribute('aria-expanded')).to.equal('true');
  });

  it('keeps "not here" and "never" on the server', async () => {
    const { el, say, consent } = await mount();
    await say('I owe you €15');
    await until(() => chips(el).length === 1);
    const more = inShadow<HTMLButtonElement>(el, '[part="more"]');
    more.click();
    await el.updateComplete;
    expect(more.getAttribute('aria-expanded')).to.equal('true');
    const [notHere] = [
      ...(el.shadowRoot?.querySelectorAll<HTMLButtonElement>('[part="menu"] button') ?? []),
    ];
    notHere?.click();
    await until(() => chips(el).length === 0);
    expect((await consent.load()).mutedConversations).to.deep.equal(['c_1']);
  });

  it('turns a kind off for good with "never"', async () => {
    const { el, say, consent } = await mount();
    await say('you owe me €8');
    await until(() => chips(el).length === 1);
    inShadow<HTMLButtonElement>(el, '[part="more"]').click();
    await el.updateComplete;
    const buttons = [
      ...(el.shadowRoot?.querySelectorAll<HTMLButtonElement>('[part="menu"] button') ?? []),
    ];
    buttons[1]?.click();
    await until(() => chips(el).length === 0);
    expect((await consent.load()).neverKinds).to.deep.equal(['money']);
    expect(await say('you owe me €9')).to.equal(null);
  });

  it('speaks French', async () => {
    const { el, say } = await mount('fr');
    await say('Je te dois 20 €');
    await until(() => chips(el).length === 1);
    expect(chips(el)).to.deep.equal(['Demander 20,00 €']);
    const label = inShadow(el, '[part="dismiss"]').getAttribute('aria-label');
    expect(label?.replace(/\s/g, ' ')).to.equal('Ignorer Demander 20,00 €');
  });

  it('is accessible with chips, a menu open, an error and in French, and works with the keyboard', async () => {
    const { el, say } = await mount();
    await expectAccessible(el, 'no chips');
    await say('I owe you €15');
    await until(() => chips(el).length === 1);
    await expectAccessible(el, 'a chip');

    // Tab goes through a chip: the suggestion, its other choices, dismiss.
    inShadow(el, '[part="suggestion"]').focus();
    await sendKeys({ press: 'Tab' });
    expect(focused(el)).to.equal('more');
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(inShadow(el, '[part="more"]').getAttribute('aria-expanded')).to.equal('true');
    await expectAccessible(el, 'a menu open');
    await sendKeys({ press: 'Tab' });
    expect(focused(el)).to.equal('dismiss');
    await sendKeys({ press: 'Tab' });
    expect(textOf(el.shadowRoot?.activeElement as Element)).to.equal('Not in this conversation');

    // Settle unreachable: the choice is not saved, and that is said.
    const outage = await settleDown();
    try {
      await sendKeys({ press: 'Enter' });
      await until(() => textOf(inShadow(el, '[part="error"]')) !== '');
      expect(textOf(inShadow(el, '[part="error"]'))).to.equal(
        'Your choice could not be saved. Try again.',
      );
      await expectAccessible(el, 'an error');
    } finally {
      outage.restore();
    }

    const french = await mount('fr');
    await french.say('Je te dois 20 €');
    await until(() => chips(french.el).length === 1);
    inShadow<HTMLButtonElement>(french.el, '[part="more"]').click();
    await expectAccessible(french.el, 'French');
  });
});
