import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { MoneyRequest } from '@settle/sdk';
import { sendKeys } from '@web/test-runner-commands';
import '../provider/define.js';
import './define.js';
import { expectAccessible } from '../testing/a11y.js';
import {
  enroll,
  focused,
  inShadow,
  sdkFor,
  settleUrl,
  textOf,
  tokenUrl,
  uid,
  until,
} from '../testing/server.js';
import type { SettleRequestMoney } from './request-money.component.js';

const names: Record<string, string> = {};

async function mount(
  requester: string,
  attrs: { payer?: string; participants?: string[] },
  lang = 'en',
) {
  const provider = await fixture(html`<settle-provider
    lang=${lang}
    base-url=${await settleUrl()}
    token-url=${tokenUrl(requester)}
    .displayName=${(id: string) => names[id] ?? id}
  >
    <settle-request-money conversation-id="c_group" .participants=${attrs.participants ?? []}>
    </settle-request-money>
  </settle-provider>`);
  const el = provider.querySelector('settle-request-money') as SettleRequestMoney;
  if (attrs.payer) el.payerId = attrs.payer;
  await until(() => !inShadow<HTMLButtonElement>(el, '[part="button"]').disabled);
  return el;
}

async function people(...roles: string[]) {
  const ids = roles.map((role) => uid(role));
  ids.forEach((id, i) => {
    names[id] = (roles[i] as string).replace(/^./, (c) => c.toUpperCase());
  });
  await Promise.all(ids.map((id) => enroll(id)));
  return ids as [string, ...string[]];
}

function type(el: SettleRequestMoney, part: string, value: string) {
  const field = inShadow<HTMLInputElement>(el, `[part="${part}"]`);
  field.value = value;
  field.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}

async function choose(el: SettleRequestMoney, label: string, checked = true) {
  const choice = [...(el.shadowRoot?.querySelectorAll('label.choice') ?? [])].find((l) =>
    textOf(l).includes(label),
  );
  const input = choice?.querySelector('input') as HTMLInputElement;
  if (input.checked !== checked) input.click();
  await el.updateComplete;
}

type Made = { groupId: string; requests: MoneyRequest[] };

describe('settle-request-money', () => {
  it('asks one person for an amount, with a note', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const el = await mount(alice, { payer: bob });
    await el.open();
    expect(textOf(inShadow(el, 'h2'))).to.equal('Request money from Bob');
    type(el, 'amount', '12');
    type(el, 'note', 'Cinema');
    const made = oneEvent(el, 'settle-request');
    inShadow<HTMLButtonElement>(el, '[part="submit"]').click();
    const { requests } = (await made).detail as Made;
    expect(requests).to.have.length(1);
    expect(requests[0]).to.include({ payerId: bob, note: 'Cinema', conversationId: 'c_group' });
    const bobs = await (await sdkFor(bob as string)).requests.get((requests[0] as MoneyRequest).id);
    expect(bobs.amount).to.deep.equal({ value: 1200, currency: 'EUR' });
    await until(() =>
      textOf(inShadow(el, '[role="status"]')).includes('You asked Bob for €12.00.'),
    );
  });

  it('splits a total evenly across the group, the requester included', async () => {
    const [alice, bob, carol] = await people('alice', 'bob', 'carol');
    const el = await mount(alice, { participants: [alice, bob, carol] as string[] });
    await el.open();
    expect(textOf(inShadow(el, '[part="people"]'))).to.equal('Who pays? Bob Carol');
    await choose(el, 'Split a total evenly');
    await choose(el, 'Include me in the split');
    type(el, 'amount', '30');
    await el.updateComplete;
    expect(textOf(inShadow(el, '[part="summary"]'))).to.equal('Each person pays €10.00.');
    await choose(el, 'Include me in the split', false);
    expect(textOf(inShadow(el, '[part="summary"]'))).to.equal('Each person pays €15.00.');
    await choose(el, 'Include me in the split');

    const made = oneEvent(el, 'settle-request');
    inShadow<HTMLButtonElement>(el, '[part="submit"]').click();
    const { groupId, requests } = (await made).detail as Made;
    expect(requests.map((r) => [r.payerId, r.amount.value]).sort()).to.deep.equal([
      [bob, 1000],
      [carol, 1000],
    ]);
    expect(requests.every((r) => r.groupId === groupId)).to.equal(true);
  });

  it('asks the chosen people for the same amount each', async () => {
    const [alice, bob, carol] = await people('alice', 'bob', 'carol');
    const el = await mount(alice, { participants: [bob, carol] as string[] });
    await el.open();
    await choose(el, 'Carol', false);
    type(el, 'amount', '5');
    await el.updateComplete;
    expect(textOf(inShadow(el, '[part="summary"]'))).to.equal('€5.00 in all.');
    const made = oneEvent(el, 'settle-request');
    inShadow<HTMLButtonElement>(el, '[part="submit"]').click();
    const { requests } = (await made).detail as Made;
    expect(requests.map((r) => [r.payerId, r.amount.value])).to.deep.equal([[bob, 500]]);
    expect((await (await sdkFor(carol as string)).requests.list()).data).to.deep.equal([]);
  });

  it('speaks French', async () => {
    const [alice, bob, carol] = await people('alice', 'bob', 'carol');
    const el = await mount(alice, { participants: [bob, carol] as string[] }, 'fr');
    await until(() => textOf(inShadow(el, '[part="button"]')) === 'Demander de l’argent');
    await el.open();
    await choose(el, 'Partager un total');
    type(el, 'amount', '25,50');
    await el.updateComplete;
    expect(textOf(inShadow(el, 'label[for="amount"]'))).to.equal('Total (€)');
    expect(textOf(inShadow(el, '[part="summary"]'))).to.equal('Chaque personne paie 8,50 €.');
  });

  it('is accessible at each step, and a group request works with the keyboard alone', async () => {
    const [alice, bob, carol] = await people('alice', 'bob', 'carol');
    const el = await mount(alice, { participants: [bob, carol] as string[] });
    await expectAccessible(el, 'closed');
    inShadow(el, '[part="button"]').focus();
    await sendKeys({ press: 'Enter' });
    await until(() => inShadow<HTMLDialogElement>(el, 'dialog').open);
    expect(focused(el)).to.equal('amount');
    await expectAccessible(el, 'a group, an amount each');

    // Back to who pays: Space unticks both; the radios follow the arrow keys.
    const checks = [
      ...(el.shadowRoot?.querySelectorAll<HTMLInputElement>('[part="people"] input') ?? []),
    ];
    checks[0]?.focus();
    await sendKeys({ press: 'Space' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Space' });
    expect(checks.map((c) => c.checked)).to.deep.equal([false, false]);
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'ArrowDown' });
    await el.updateComplete;
    expect(textOf(inShadow(el, 'label[for="amount"]'))).to.equal('Total (€)');
    inShadow(el, '[part="amount"]').focus();
    await sendKeys({ type: '30' });
    await sendKeys({ press: 'Enter' });
    // Nobody chosen: said on the choice of people, where the focus goes.
    await until(() => textOf(inShadow(el, '#people-error')) === 'Choose at least one person.');
    const group = inShadow(el, '[part="people"]');
    expect(group.getAttribute('aria-describedby')).to.equal('people-error');
    expect(el.shadowRoot?.activeElement).to.equal(checks[0]);
    await expectAccessible(el, 'nobody chosen');
    await sendKeys({ press: 'Space' });
    await el.updateComplete;
    expect(textOf(inShadow(el, '#people-error'))).to.equal('');
    expect(textOf(inShadow(el, '[part="summary"]'))).to.equal('Each person pays €15.00.');
    await expectAccessible(el, 'a split total');
    const made = oneEvent(el, 'settle-request');
    inShadow(el, '[part="amount"]').focus();
    await sendKeys({ press: 'Enter' });
    const { requests } = (await made).detail as Made;
    expect(requests.map((r) => [r.payerId, r.amount.value])).to.deep.equal([[bob, 1500]]);
    expect(focused(el)).to.equal('button');
  });

  it('is accessible with a wrong amount, before set-up, when the account cannot load, in French', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const el = await mount(alice, { payer: bob });
    await el.open();
    type(el, 'amount', '0');
    inShadow<HTMLButtonElement>(el, '[part="submit"]').click();
    await until(() => inShadow(el, '[part="amount"]').getAttribute('aria-invalid') === 'true');
    await expectAccessible(el, 'a wrong amount');

    const newbie = await mount(uid('newbie'), { payer: bob });
    await newbie.open();
    expect(textOf(inShadow(newbie, 'dialog'))).to.contain('Set up payments once');
    await expectAccessible(newbie, 'set-up needed');

    const provider = await fixture(html`<settle-provider
      base-url=${await settleUrl()}
      token-url="/__settle/no-such-route"
    >
      <settle-request-money payer-id="bob"></settle-request-money>
    </settle-provider>`);
    const failed = provider.querySelector('settle-request-money') as SettleRequestMoney;
    await until(() => !inShadow<HTMLButtonElement>(failed, '[part="button"]').disabled);
    await failed.open();
    expect(textOf(inShadow(failed, '[part="error"]'))).to.equal(
      'Something went wrong. Please try again.',
    );
    await expectAccessible(failed, 'the account not loaded');

    const [carol] = await people('carol');
    const french = await mount(alice, { participants: [bob, carol] as string[] }, 'fr');
    await until(() => textOf(inShadow(french, '[part="button"]')) === 'Demander de l’argent');
    await french.open();
    await choose(french, 'Partager un total');
    await expectAccessible(french, 'French');
  });
});
