import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { createSettle, type SettleEvent, type Transfer } from '@settle/sdk';
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
import type { SettleHistory } from './history.component.js';

const eur = (value: number) => ({ value, currency: 'EUR' });

async function mount(
  userId: string,
  attrs: { conversation?: string; pageSize?: number },
  lang = 'en',
) {
  const provider = await fixture(html`<settle-provider
    lang=${lang}
    base-url=${await settleUrl()}
    token-url=${tokenUrl(userId)}
    .displayName=${(id: string) => id.split('-')[0]?.replace(/^./, (c) => c.toUpperCase()) ?? id}
  >
    <settle-history
      page-size=${attrs.pageSize ?? 20}
      conversation-id=${attrs.conversation ?? ''}
    ></settle-history>
  </settle-provider>`);
  const el = provider.querySelector('settle-history') as SettleHistory;
  await until(() => el.shadowRoot?.querySelector('[part="list"], [part="empty"], [part="error"]'));
  return el;
}

const rows = (el: SettleHistory) =>
  [...(el.shadowRoot?.querySelectorAll('[part="item"]') ?? [])].map((li) => textOf(li));

async function setup() {
  const [alice, bob] = [uid('alice'), uid('bob')];
  await Promise.all([enroll(alice), enroll(bob)]);
  const [asAlice, asBob] = await Promise.all([sdkFor(alice), sdkFor(bob)]);
  return { alice, bob, asAlice, asBob };
}

describe('settle-history', () => {
  it('lists a conversation newest first, a page at a time', async () => {
    const { alice, bob, asAlice, asBob } = await setup();
    // A Matrix room, and one that differs only once a query string is decoded carelessly.
    const room = '!c+h&x=%41:matrix.org';
    const elsewhere = '!c h&x=A:matrix.org';
    await asAlice.transfers.create({
      recipientId: bob,
      amount: eur(100),
      note: 'one',
      conversationId: room,
    });
    await asBob.transfers.create({
      recipientId: alice,
      amount: eur(200),
      note: 'two',
      conversationId: room,
    });
    await asAlice.transfers.create({
      recipientId: bob,
      amount: eur(300),
      note: 'three',
      conversationId: room,
    });
    await asAlice.transfers.create({
      recipientId: bob,
      amount: eur(999),
      conversationId: elsewhere,
    });

    const el = await mount(alice, { conversation: room, pageSize: 2 });
    expect(rows(el)).to.have.length(2);
    expect(rows(el)[0]).to.match(/^To Bob −€3\.00 .+ · three$/);
    expect(rows(el)[1]).to.match(/^From Bob \+€2\.00 .+ · two$/);

    inShadow<HTMLButtonElement>(el, '[part="more"]').click();
    await until(() => rows(el).length === 3);
    expect(rows(el)[2]).to.match(/^To Bob −€1\.00 .+ · one$/);
    expect(el.shadowRoot?.querySelector('[part="more"]')).to.equal(null);
    // The focus moved to the first payment just shown.
    expect(el.shadowRoot?.activeElement === el.shadowRoot?.querySelectorAll('.item')[2]).to.equal(
      true,
    );
  });

  it('shows a new payment as it happens', async () => {
    const { alice, bob, asBob } = await setup();
    const el = await mount(alice, {});
    expect(textOf(inShadow(el, '[part="empty"]'))).to.equal('No payments yet.');
    await asBob.transfers.create({ recipientId: alice, amount: eur(450), note: 'live' });
    await until(() => rows(el).length === 1, 5000, 'the live payment');
    expect(rows(el)[0]).to.match(/^From Bob \+€4\.50 /);
    void bob;
  });

  it('keeps each amount whole, and the date and note the full width, with large text on a phone', async () => {
    const { alice, bob, asAlice } = await setup();
    await asAlice.transfers.create({
      recipientId: bob,
      amount: eur(1250),
      note: 'Anniversaire de Chloé',
    });
    const el = await mount(alice, {});
    // 200 % text on a 360 px phone.
    document.documentElement.style.fontSize = '32px';
    try {
      el.style.cssText = 'width: 344px; font-size: 32px';
      await el.updateComplete;
      const amount = inShadow(el, '[part="amount"]');
      const lines = document.createRange();
      lines.selectNodeContents(amount);
      expect(lines.getClientRects()).to.have.length(1, '−€12.50 on one line');
      const meta = inShadow(el, '.meta').getBoundingClientRect();
      expect(meta.right).to.be.closeTo(amount.getBoundingClientRect().right, 1);
    } finally {
      document.documentElement.style.fontSize = '';
    }
  });

  it('puts a payment announced after the pages were read in its place, not on top', async () => {
    const { alice, bob, asAlice } = await setup();
    await asAlice.transfers.create({ recipientId: bob, amount: eur(100), note: 'one' });
    await new Promise((r) => setTimeout(r, 20));
    await asAlice.transfers.create({ recipientId: bob, amount: eur(300), note: 'three' });
    const el = await mount(alice, {});
    const [three, one] = (await asAlice.transfers.list()).data as [Transfer, Transfer];
    // As another server process announces a payment it created between the two, but
    // committed after this page was read.
    const at = (Date.parse(one.createdAt) + Date.parse(three.createdAt)) / 2;
    const late = { ...one, id: `${one.id}x`, note: 'two', createdAt: new Date(at).toISOString() };
    (el as unknown as { onEvent(event: SettleEvent): void }).onEvent({
      id: 'ev_late',
      type: 'transfer.updated',
      createdAt: late.createdAt,
      data: late,
    } as SettleEvent);
    await el.updateComplete;
    expect(rows(el).map((row) => row.split(' · ')[1])).to.deep.equal(['three', 'two', 'one']);
  });

  it('keeps a note in its own direction, so it cannot reorder the state shown after it', async () => {
    const { alice, bob, asAlice } = await setup();
    // A right-to-left override would otherwise run on over what follows it ("· Pending").
    await asAlice.transfers.create({ recipientId: bob, amount: eur(100), note: 'dinner \u202e' });
    const el = await mount(alice, {});
    const note = el.shadowRoot?.querySelector('[part="item"] bdi');
    expect(note?.textContent).to.equal('dinner \u202e');
  });

  it('on a page loaded while Settle is down, says so, then shows the payments once it is back', async () => {
    const { alice, asBob } = await setup();
    await asBob.transfers.create({ recipientId: alice, amount: eur(700), note: 'back' });
    const outage = await settleDown();
    try {
      const history = await mount(alice, {});
      expect(textOf(inShadow(history, '[part="error"]'))).to.contain('could not be reached');
      outage.back();
      await until(() => rows(history).length === 1, 10_000, 'the payments, by themselves');
      expect(rows(history)[0]).to.match(/^From Bob \+€7\.00 .+ · back$/);
    } finally {
      outage.restore();
    }
  });

  it('loads by itself once Settle is back, when it went down after the account was read', async () => {
    const { alice, asBob } = await setup();
    await asBob.transfers.create({ recipientId: alice, amount: eur(800), note: 'later' });
    const loaded = new Promise((resolve) =>
      document.addEventListener('settle-account', resolve, { once: true }),
    );
    const provider = await fixture(html`<settle-provider
      base-url=${await settleUrl()}
      token-url=${tokenUrl(alice)}
    ></settle-provider>`);
    await loaded;
    const outage = await settleDown();
    try {
      // Opened from the chat while Settle is down.
      const history = document.createElement('settle-history') as SettleHistory;
      provider.append(history);
      await until(() => history.shadowRoot?.querySelector('[part="error"]'));
      outage.back();
      await until(() => rows(history).length === 1, 10_000, 'the payments, by themselves');
      expect(rows(history)[0]).to.match(/^From bob-\S+ \+€8\.00 .+ · later$/);
    } finally {
      outage.restore();
    }
  });

  it('says when payments cannot be loaded, and loads them on "Try again"', async () => {
    const { alice, bob, asAlice } = await setup();
    await asAlice.transfers.create({ recipientId: bob, amount: eur(100) });
    const baseUrl = await settleUrl();
    let offline = true;
    const client = createSettle({
      baseUrl,
      getToken: () => fetch(tokenUrl(alice)).then((res) => res.text()),
      maxRetries: 0,
      fetch: (input, init) =>
        offline && String(input).includes('/v1/transfers')
          ? Promise.reject(new TypeError('Failed to fetch'))
          : fetch(input, init),
    });
    const provider = await fixture(html`<settle-provider base-url=${baseUrl} .client=${client}>
      <settle-history></settle-history>
    </settle-provider>`);
    const el = provider.querySelector('settle-history') as SettleHistory;
    await until(() => el.shadowRoot?.querySelector('[part="error"]'));
    expect(textOf(inShadow(el, '[part="error"]'))).to.equal(
      'Settle could not be reached. Check your connection and try again.',
    );
    offline = false;
    inShadow<HTMLButtonElement>(el, '.actions button').click();
    await until(() => rows(el).length === 1);
  });

  it('speaks French, with French dates and money', async () => {
    const { bob, asBob } = await setup();
    const alice = uid('alice');
    await enroll(alice);
    await asBob.transfers.create({ recipientId: alice, amount: eur(1250) });
    const el = await mount(alice, {}, 'fr');
    const month = new Intl.DateTimeFormat('fr', { month: 'short' }).format(new Date());
    expect(rows(el)[0]).to.contain('De Bob +12,50 €').and.contain(month);
    void bob;
  });

  it('is accessible loading, empty, unreachable, in French, and with payments in each state', async () => {
    const provider = await fixture(html`<settle-provider
      base-url=${await settleUrl()}
      .getToken=${() => new Promise<string>(() => {})}
    >
      <settle-history></settle-history>
    </settle-provider>`);
    const loading = provider.querySelector('settle-history') as SettleHistory;
    await until(() => loading.shadowRoot?.querySelector('[aria-busy="true"]'));
    await expectAccessible(loading, 'loading');
    provider.remove();

    const { alice, bob, asAlice, asBob } = await setup();
    const empty = await mount(alice, { conversation: 'c_none' });
    await expectAccessible(empty, 'empty');
    empty.closest('settle-provider')?.remove();
    const outage = await settleDown();
    try {
      const down = await mount(alice, {});
      await expectAccessible(down, 'unreachable');
      down.closest('settle-provider')?.remove();
    } finally {
      outage.restore();
    }

    await asBob.transfers.create({ recipientId: alice, amount: eur(200), note: 'received' });
    await asAlice.transfers.create({ recipientId: uid('carol'), amount: eur(300), note: 'held' });
    const erin = uid('erin');
    await enroll(erin, '4000000000000002');
    await (await sdkFor(erin)).transfers.create({ recipientId: alice, amount: eur(100) });
    await asAlice.transfers.create({ recipientId: bob, amount: eur(400), note: 'sent' });
    const el = await mount(alice, { pageSize: 3 });
    expect(rows(el).join('\n')).to.contain('Waiting for the recipient');
    await expectAccessible(el, 'payments, and Show more');

    // The keyboard: Tab goes down the payments to "Show more"; Enter shows the next page, the
    // focus on its first payment, which Enter picks.
    inShadow(el, '.item').focus();
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Tab' });
    expect(focused(el)).to.equal('more');
    await sendKeys({ press: 'Enter' });
    await until(() => rows(el).length === 4);
    const items = el.shadowRoot?.querySelectorAll('.item') ?? [];
    expect(el.shadowRoot?.activeElement).to.equal(items[3]);
    await until(() => textOf(inShadow(el, '[role="status"]')) === '1 more payment shown.');
    const picked = oneEvent(el, 'settle-select');
    await sendKeys({ press: 'Enter' });
    expect((await picked).detail.transfer.note).to.equal('received');
    await expectAccessible(el, 'all payments');
    el.closest('settle-provider')?.remove();

    const french = await mount(alice, {}, 'fr');
    await until(() => rows(french).length === 4);
    await expectAccessible(french, 'French');
  });
});
