import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { MoneyRequest, Transfer } from '@settle/sdk';
import { sendKeys } from '@web/test-runner-commands';
import '../history/define.js';
import '../provider/define.js';
import './define.js';
import type { SettlePinPrompt } from '../pin-prompt/pin-prompt.component.js';
import { expectAccessible } from '../testing/a11y.js';
import {
  enroll,
  focused,
  hiccupNextPayout,
  inShadow,
  PIN,
  sdkFor,
  settleDown,
  settleUrl,
  textOf,
  tokenUrl,
  uid,
  until,
} from '../testing/server.js';
import type { SettlePaymentBubble } from './payment-bubble.component.js';

const eur = (value: number) => ({ value, currency: 'EUR' });
const names: Record<string, string> = {};

/** A bubble on `viewer`'s page; `attrs` picks what it shows. */
async function bubble(
  viewer: string,
  attrs: { transfer?: string; request?: string; group?: string },
  lang = 'en',
) {
  const provider = await fixture(html`<settle-provider
    lang=${lang}
    base-url=${await settleUrl()}
    token-url=${tokenUrl(viewer)}
    .displayName=${(id: string) => names[id] ?? id}
  >
    <settle-payment-bubble
      transfer-id=${attrs.transfer ?? ''}
      request-id=${attrs.request ?? ''}
      group-id=${attrs.group ?? ''}
    ></settle-payment-bubble>
  </settle-provider>`);
  const el = provider.querySelector('settle-payment-bubble') as SettlePaymentBubble;
  for (const key of ['transferId', 'requestId', 'groupId'] as const) {
    if (el[key] === '') el[key] = undefined;
  }
  await until(() => el.shadowRoot?.querySelector('[part="status"], [part="payers"], .error'));
  return el;
}

const status = (el: SettlePaymentBubble) => textOf(inShadow(el, '[part="status"]'));
const text = (el: SettlePaymentBubble) => textOf(inShadow(el, '[part="bubble"]'));
const press = (el: SettlePaymentBubble, part: string) =>
  inShadow<HTMLButtonElement>(el, `[part="${part}"]`).click();

async function people(...roles: string[]) {
  const ids = roles.map((role) => uid(role));
  ids.forEach((id, i) => {
    names[id] = (roles[i] as string).replace(/^./, (c) => c.toUpperCase());
  });
  await Promise.all(ids.map((id) => enroll(id)));
  return ids;
}

describe('settle-payment-bubble', () => {
  it('goes from pending to completed live, on both sides', async () => {
    const [alice, bob] = await people('alice', 'bob');
    await hiccupNextPayout(alice as string);
    const transfer = await (await sdkFor(alice as string)).transfers.create({
      recipientId: bob as string,
      amount: eur(2000),
      note: 'Pizza',
    });
    expect(transfer.status).to.equal('pending');

    const [sent, received] = await Promise.all([
      bubble(alice as string, { transfer: transfer.id }),
      bubble(bob as string, { transfer: transfer.id }),
    ]);
    expect(status(sent)).to.equal('Pending');
    expect(text(sent)).to.contain('€20.00').and.contain('Pizza').and.contain('To: Bob');
    expect(text(received)).to.contain('From: Alice');

    await until(() => status(received) === 'Completed', 8000, 'completed');
    await until(() => status(sent) === 'Completed');
    expect(text(received)).to.contain('The money is available now.');
    expect(text(sent)).not.to.contain('available');
    await until(() => textOf(inShadow(received, '[role="status"]')) === 'Completed');
  });

  it('tells the recipient when money paid to a slower card becomes available', async () => {
    const [alice] = await people('alice');
    const bob = uid('bob');
    await enroll(bob, '4000002500001001');
    const transfer = await (await sdkFor(alice as string)).transfers.create({
      recipientId: bob,
      amount: eur(1500),
    });
    const el = await bubble(bob, { transfer: transfer.id });
    await until(() => status(el) === 'Completed', 8000);
    const day = new Intl.DateTimeFormat('en', { dateStyle: 'full' }).format(
      new Date((await (await sdkFor(bob)).transfers.get(transfer.id)).availableAt as string),
    );
    expect(text(el)).to.contain(`The money is available on ${day}.`);
  });

  it('tells the sender why a payment failed, and the recipient only that it did not go through', async () => {
    const [bob] = await people('bob');
    const erin = uid('erin');
    await enroll(erin, '4000000000000002');
    const transfer = await (await sdkFor(erin)).transfers.create({
      recipientId: bob as string,
      amount: eur(500),
    });
    const [sent, received] = await Promise.all([
      bubble(erin, { transfer: transfer.id }),
      bubble(bob as string, { transfer: transfer.id }),
    ]);
    expect(status(sent)).to.equal('Failed: Your card was declined.');
    expect(status(received)).to.equal('Did not go through');
  });

  it('lets the payer pay a request; the requester sees it paid', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const { data } = await (await sdkFor(alice as string)).requests.create({
      note: 'Cinema',
      payers: [{ userId: bob as string, amount: eur(1200) }],
    });
    const request = data[0] as MoneyRequest;
    const [asked, asking] = await Promise.all([
      bubble(bob as string, { request: request.id }),
      bubble(alice as string, { request: request.id }),
    ]);
    expect(text(asked)).to.contain('Asked by: Alice').and.contain('Cinema');
    expect(status(asked)).to.equal('Requested from you');
    expect(status(asking)).to.equal('Waiting for payment');
    // Not "From: Bob", which reads as if Bob had asked.
    expect(text(asking)).to.contain('Requested from: Bob');
    expect(asking.shadowRoot?.querySelector('[part="pay"]')).to.equal(null);

    const paid = oneEvent(asked, 'settle-transfer');
    press(asked, 'pay');
    const { transfer } = (await paid).detail as { transfer: Transfer };
    expect(transfer).to.include({ requestId: request.id, recipientId: alice });
    await until(() => status(asked) === 'Paid');
    await until(() => status(asking) === 'Paid', 8000, 'requester sees paid');
    expect(asked.shadowRoot?.querySelector('[part="pay"]')).to.equal(null);
    // The pressed button is gone: the focus stays in the bubble, on its state.
    await until(() => focused(asked) === 'status', 2000, 'the focus on the state');
  });

  it('lets the payer decline; the requester sees it declined', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const { data } = await (await sdkFor(alice as string)).requests.create({
      payers: [{ userId: bob as string, amount: eur(800) }],
    });
    const id = (data[0] as MoneyRequest).id;
    const [asked, asking] = await Promise.all([
      bubble(bob as string, { request: id }),
      bubble(alice as string, { request: id }),
    ]);
    press(asked, 'decline');
    await until(() => status(asked) === 'Declined');
    await until(() => status(asking) === 'Declined');
    expect((await (await sdkFor(bob as string)).transfers.list()).data).to.deep.equal([]);
  });

  it('asks for the PIN to pay a larger request', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const { data } = await (await sdkFor(alice as string)).requests.create({
      payers: [{ userId: bob as string, amount: eur(6000) }],
    });
    const el = await bubble(bob as string, { request: (data[0] as MoneyRequest).id });
    press(el, 'pay');
    const dialog = inShadow<HTMLDialogElement>(el, 'dialog');
    await until(() => dialog.open);
    const prompt = inShadow<SettlePinPrompt>(el, 'settle-pin-prompt');
    await prompt.updateComplete;
    expect(textOf(inShadow(prompt, '[part="summary"]'))).to.equal('€60.00 to Alice');
    inShadow<HTMLInputElement>(prompt, '[part="input"]').value = PIN;
    inShadow<HTMLButtonElement>(prompt, '[part="confirm"]').click();
    await until(() => status(el) === 'Paid', 5000);
    await until(() => !dialog.open, 2000, 'the dialog to close');
  });

  it('lets the sender cancel money held for someone not enrolled yet', async () => {
    const [alice] = await people('alice');
    const carol = uid('carol');
    names[carol] = 'Carol';
    const transfer = await (await sdkFor(alice as string)).transfers.create({
      recipientId: carol,
      amount: eur(900),
    });
    const el = await bubble(alice as string, { transfer: transfer.id });
    expect(status(el)).to.equal('Waiting for Carol to set up payments');
    expect(text(el)).to.match(/Refunded on .+ if not claimed\./);
    press(el, 'cancel');
    await until(() => status(el) === 'Canceled: you were refunded');
    expect(el.shadowRoot?.querySelector('[part="cancel"]')).to.equal(null);
  });

  it('shows who has paid in a group request, as they pay', async () => {
    const [alice, bob, carol] = await people('alice', 'bob', 'carol');
    const made = await (await sdkFor(alice as string)).requests.create({
      note: 'Dinner',
      split: { total: eur(3000), among: [bob as string, carol as string], includeSelf: true },
    });
    const el = await bubble(alice as string, { group: made.groupId });
    expect(text(el)).to.contain('0 of 2 paid').and.contain('€20.00');
    expect(textOf(inShadow(el, '[part="payers"]'))).to.contain('Bob · €10.00 Waiting for payment');
    await (await sdkFor(bob as string)).requests.pay(
      made.data.find((r) => r.payerId === bob) as MoneyRequest,
    );
    await until(() => text(el).includes('1 of 2 paid'), 5000, 'one paid');
    expect(textOf(inShadow(el, '[part="payers"]'))).to.contain('Bob · €10.00 Paid');
    // Screen readers hear whose share it was, not a bare "Paid".
    await until(() => textOf(inShadow(el, '[role="status"]')) === 'Bob: Paid', 2000, 'said');
    // A paid share's status is on its row's line, level with the name, as a waiting one is.
    for (const li of el.shadowRoot?.querySelectorAll('[part="payers"] li') ?? []) {
      const [who, state] = [...li.children].map((c) => c.getBoundingClientRect().top);
      expect(state, li.textContent ?? '').to.equal(who);
    }
    // On a narrow phone, where names and amounts wrap, the statuses still form one column.
    el.style.width = '12rem';
    await el.updateComplete;
    const statuses = [...(el.shadowRoot?.querySelectorAll('[part="payers"] li') ?? [])].map(
      (li) => (li.lastElementChild as HTMLElement).getBoundingClientRect().left,
    );
    expect(statuses).to.have.length(2);
    expect(statuses[0]).to.equal(statuses[1]);
    // With 200 % text on a 360 px phone, no name is drawn under its status.
    document.documentElement.style.fontSize = '32px';
    try {
      el.style.cssText = 'width: 344px; font-size: 32px';
      await el.updateComplete;
      for (const li of el.shadowRoot?.querySelectorAll('[part="payers"] li') ?? []) {
        const [who, state] = [...li.children] as HTMLElement[];
        const end =
          (who as HTMLElement).getBoundingClientRect().left + (who as HTMLElement).scrollWidth;
        expect(end).to.be.at.most((state as HTMLElement).getBoundingClientRect().left);
      }
    } finally {
      document.documentElement.style.fontSize = '';
    }
  });

  it('catches up with copies older than what the stream already delivered', async () => {
    const [alice, bob] = await people('alice', 'bob');
    // The page's stream is open and past the changes below before the bubbles come.
    const provider = await fixture(html`<settle-provider
      base-url=${await settleUrl()}
      token-url=${tokenUrl(alice as string)}
    >
      <settle-history></settle-history>
    </settle-provider>`);
    const history = provider.querySelector('settle-history') as HTMLElement;
    await until(() => history.shadowRoot?.querySelector('[part="empty"]'));
    const sdk = await sdkFor(alice as string);
    const transfer = await sdk.transfers.create({ recipientId: bob as string, amount: eur(900) });
    const { data } = await (await sdkFor(bob as string)).requests.create({
      payers: [{ userId: alice as string, amount: eur(600) }],
    });
    const request = data[0] as MoneyRequest;
    await sdk.requests.pay(request);
    const items = () => [...(history.shadowRoot?.querySelectorAll('[part="item"]') ?? [])];
    await until(
      () => items().length === 2 && !items().some((li) => textOf(li).includes('Pending')),
    );

    // Copies an app kept from an earlier event: the payment pending, the request open.
    const sent = document.createElement('settle-payment-bubble');
    sent.transfer = { ...transfer, status: 'pending', updatedAt: transfer.createdAt };
    const asked = document.createElement('settle-payment-bubble');
    asked.request = request;
    provider.append(sent, asked);
    const shown = (el: SettlePaymentBubble) =>
      el.shadowRoot?.querySelector('[part="status"]') ? status(el) : '';
    await until(() => shown(sent) === 'Completed', 5000, 'the payment completed');
    await until(() => shown(asked) === 'Paid', 5000, 'the request paid');
    expect(asked.shadowRoot?.querySelector('[part="pay"]')).to.equal(null);
  });

  it('loads by itself once Settle is back, when its payment arrived in the chat while it was down', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const transfer = await (await sdkFor(alice as string)).transfers.create({
      recipientId: bob as string,
      amount: eur(500),
    });
    // Bob's chat is open, his account read, when Settle stops; then the payment's message comes.
    const loaded = new Promise((resolve) =>
      document.addEventListener('settle-account', resolve, { once: true }),
    );
    const provider = await fixture(html`<settle-provider
      base-url=${await settleUrl()}
      token-url=${tokenUrl(bob as string)}
    ></settle-provider>`);
    await loaded;
    const outage = await settleDown();
    try {
      const el = document.createElement('settle-payment-bubble') as SettlePaymentBubble;
      el.transferId = transfer.id;
      provider.append(el);
      await until(() => el.shadowRoot?.querySelector('.error'));
      expect(text(el)).to.contain('could not be reached');
      outage.back();
      // The account never failed: only the event stream getting through says Settle is back.
      await until(() => el.shadowRoot?.querySelector('[part="status"]'), 10_000, 'the payment');
      expect(status(el)).to.equal('Completed');
    } finally {
      outage.restore();
    }
  });

  it('opens no stream once taken off the page, so a chat that recycles bubbles keeps working', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const transfer = await (await sdkFor(alice as string)).transfers.create({
      recipientId: bob as string,
      amount: eur(300),
    });
    // A virtualized message list: bubbles scroll out (removed), and a removed one may still
    // update (its load finishing late, or the app setting a property on a recycled node). A
    // browser opens at most 6 connections to one server: a stream left open by each would
    // leave every later call to Settle on this page waiting.
    for (let i = 0; i < 8; i++) {
      const el = await bubble(alice as string, { transfer: transfer.id });
      el.parentElement?.remove();
      el.transfer = undefined;
      el.requestUpdate();
      await el.updateComplete;
    }
    const el = await bubble(alice as string, { transfer: transfer.id });
    await until(() => status(el) === 'Completed', 8000, 'a new bubble to load');
  });

  it('stays live when the chat moves it on the page', async () => {
    const [alice, bob] = await people('alice', 'bob');
    await hiccupNextPayout(alice as string);
    const transfer = await (await sdkFor(alice as string)).transfers.create({
      recipientId: bob as string,
      amount: eur(400),
    });
    const el = await bubble(bob as string, { transfer: transfer.id });
    expect(status(el)).to.equal('Pending');
    // Re-rendered lists (keyed React, Lit's repeat) move message nodes: out, then back in.
    const provider = el.parentElement as HTMLElement;
    const spot = document.createElement('div');
    provider.append(spot);
    spot.append(el);
    await until(() => status(el) === 'Completed', 8000, 'the moved bubble to complete');
  });

  it('says when a payment cannot be found', async () => {
    const [alice] = await people('alice');
    const el = await bubble(alice as string, { transfer: 'tr_nope' });
    expect(text(el)).to.equal('This payment could not be found.');
  });

  it('speaks French, with French money and dates', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const { data } = await (await sdkFor(alice as string)).requests.create({
      note: 'Ciné',
      payers: [{ userId: bob as string, amount: eur(1250) }],
    });
    const el = await bubble(bob as string, { request: (data[0] as MoneyRequest).id }, 'fr');
    expect(text(el))
      .to.contain('Demande')
      .and.contain('12,50 €')
      .and.contain('Demandé par : Alice');
    expect(status(el)).to.equal('Demande qui vous est adressée');
    expect(textOf(inShadow(el, '[part="pay"]'))).to.equal('Payer 12,50 €');
    expect(textOf(inShadow(el, '[part="decline"]'))).to.equal('Refuser');
  });

  describe('accessibility', () => {
    /** Checks a bubble, then takes its page off: a browser opens 6 streams to a server at most. */
    async function checkedAndGone(el: SettlePaymentBubble, what: string) {
      await expectAccessible(el, what);
      el.closest('settle-provider')?.remove();
    }

    it('is accessible while it loads and when Settle cannot be reached', async () => {
      // A token that never comes: the bubble stays loading.
      const provider = await fixture(html`<settle-provider
        base-url=${await settleUrl()}
        .getToken=${() => new Promise<string>(() => {})}
      >
        <settle-payment-bubble transfer-id="tr_any"></settle-payment-bubble>
      </settle-provider>`);
      const loading = provider.querySelector('settle-payment-bubble') as SettlePaymentBubble;
      await until(() => loading.shadowRoot?.querySelector('[aria-busy="true"]'));
      await expectAccessible(loading, 'loading');

      const outage = await settleDown();
      try {
        const [alice] = await people('alice');
        const down = await bubble(alice as string, { transfer: 'tr_any' });
        expect(text(down)).to.contain('could not be reached').and.contain('Try again');
        await expectAccessible(down, 'unreachable');
      } finally {
        outage.restore();
      }
      const [bob] = await people('bob');
      await expectAccessible(await bubble(bob as string, { transfer: 'tr_nope' }), 'not found');
    });

    it('is accessible in each state of a payment, on both sides', async () => {
      const [alice, bob] = await people('alice', 'bob');
      const asAlice = await sdkFor(alice as string);
      // A first large payment to someone new is held for review: pending until the platform says.
      const amount = eur(25_000);
      const { authorization } = await asAlice.authorizations.create({
        pin: PIN,
        amount,
        payeeId: bob as string,
      });
      const held = await asAlice.transfers.create({
        recipientId: bob as string,
        amount,
        note: 'Rent',
        authorization,
      });
      expect(held).to.include({ status: 'pending', review: true });
      const pending = await bubble(alice as string, { transfer: held.id });
      expect(text(pending)).to.contain('Being checked for your security.');
      await checkedAndGone(pending, 'pending, sender');
      await checkedAndGone(await bubble(bob as string, { transfer: held.id }), 'pending');

      const paid = await (await sdkFor(bob as string)).transfers.create({
        recipientId: alice as string,
        amount: eur(900),
      });
      const completed = await bubble(alice as string, { transfer: paid.id });
      await until(() => status(completed) === 'Completed', 8000, 'completed');
      expect(text(completed)).to.contain('The money is available now.');
      await checkedAndGone(completed, 'completed, recipient');

      const erin = uid('erin');
      await enroll(erin, '4000000000000002');
      const declined = await (await sdkFor(erin)).transfers.create({
        recipientId: bob as string,
        amount: eur(500),
      });
      await checkedAndGone(await bubble(erin, { transfer: declined.id }), 'failed, sender');
      await checkedAndGone(await bubble(bob as string, { transfer: declined.id }), 'failed');

      const unenrolled = await (await sdkFor(bob as string)).transfers.create({
        recipientId: uid('carol'),
        amount: eur(300),
      });
      const waiting = await bubble(bob as string, { transfer: unenrolled.id });
      expect(textOf(inShadow(waiting, '[part="cancel"]'))).to.equal('Cancel payment');
      await expectAccessible(waiting, 'awaiting the recipient, with Cancel');
      press(waiting, 'cancel');
      await until(() => status(waiting) === 'Canceled: you were refunded');
      await expectAccessible(waiting, 'canceled');
    });

    it('is accessible in each state of a request, alone and in a group, and in French', async () => {
      const [alice, bob, carol] = await people('alice', 'bob', 'carol');
      const { data } = await (await sdkFor(alice as string)).requests.create({
        note: 'Cinema',
        payers: [{ userId: bob as string, amount: eur(700) }],
      });
      const id = (data[0] as MoneyRequest).id;
      const [asked, asking] = await Promise.all([
        bubble(bob as string, { request: id }),
        bubble(alice as string, { request: id }),
      ]);
      await expectAccessible(asked, 'open, with Pay and Decline');
      await expectAccessible(asking, 'open, with Cancel');
      press(asked, 'pay');
      await until(() => status(asking) === 'Paid', 8000, 'paid');
      await expectAccessible(asking, 'paid');

      const made = await (await sdkFor(alice as string)).requests.create({
        split: { total: eur(3000), among: [bob as string, carol as string], includeSelf: true },
      });
      const group = await bubble(alice as string, { group: made.groupId });
      await (await sdkFor(carol as string)).requests.pay(
        made.data.find((r) => r.payerId === carol) as MoneyRequest,
      );
      await until(() => text(group).includes('1 of 2 paid'), 5000, 'one paid');
      await expectAccessible(group, 'group');
      const mine = made.data.find((r) => r.payerId === bob) as MoneyRequest;
      const french = await bubble(bob as string, { request: mine.id }, 'fr');
      await until(() => text(french).includes('Demande'));
      await expectAccessible(french, 'French');
      press(french, 'decline');
      await until(() => status(french) === 'Refusé');
      await expectAccessible(french, 'declined, French');
    });

    it('confirms a larger payment with the keyboard alone, in an accessible PIN dialog', async () => {
      const [alice, bob] = await people('alice', 'bob');
      const { data } = await (await sdkFor(alice as string)).requests.create({
        payers: [{ userId: bob as string, amount: eur(6000) }],
      });
      const el = await bubble(bob as string, { request: (data[0] as MoneyRequest).id });
      const dialog = inShadow<HTMLDialogElement>(el, 'dialog');
      inShadow(el, '[part="pay"]').focus();
      await sendKeys({ press: 'Enter' });
      await until(() => dialog.open, 5000, 'the PIN dialog');
      const prompt = inShadow<SettlePinPrompt>(el, 'settle-pin-prompt');
      await prompt.updateComplete;
      // Named by its heading, the focus on the PIN, whose field says what it confirms.
      expect(dialog.getAttribute('aria-labelledby')).to.equal('pin-title');
      expect(textOf(inShadow(el, '#pin-title'))).to.equal('Confirm with your PIN');
      expect(focused(prompt)).to.equal('input');
      await expectAccessible(el, 'PIN dialog');

      // Tab goes field, Cancel, Confirm; Escape closes and gives the focus back to Pay.
      await sendKeys({ press: 'Tab' });
      expect(focused(prompt)).to.equal('cancel');
      await sendKeys({ press: 'Tab' });
      expect(focused(prompt)).to.equal('confirm');
      await sendKeys({ press: 'Escape' });
      await until(() => !dialog.open, 2000, 'the dialog to close');
      expect(focused(el)).to.equal('pay');

      // Enter pays again, Enter in the field confirms: a wrong PIN is said, with the focus kept.
      await sendKeys({ press: 'Enter' });
      await until(() => dialog.open, 5000, 'the PIN dialog again');
      expect(focused(prompt)).to.equal('input');
      await sendKeys({ type: '111222' });
      await sendKeys({ press: 'Enter' });
      await until(() => textOf(inShadow(prompt, '[part="error"]')).includes('not right'));
      expect(focused(prompt)).to.equal('input');
      await expectAccessible(el, 'PIN dialog with an error');
      await sendKeys({ type: PIN });
      await sendKeys({ press: 'Enter' });
      await until(() => status(el) === 'Paid' && !dialog.open, 8000, 'paid, the dialog closed');
      // The Pay button is gone: the focus is on the new state, not left in the closed dialog.
      await until(() => focused(el) === 'status', 2000, 'the focus on the state');
    });
  });
});
