import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { MoneyRequest } from '@settle/sdk';
import '../provider/define.js';
import './define.js';
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

  for (const theme of ['light', 'dark'] as const) {
    it(`is accessible in the ${theme} theme`, async () => {
      const [alice, bob, carol] = await people('alice', 'bob', 'carol');
      const el = await mount(alice, { participants: [bob, carol] as string[] });
      el.theme = theme;
      await expect(el).to.be.accessible();
      await el.open();
      await choose(el, 'Split a total evenly');
      await expect(el).to.be.accessible();
    });
  }
});
