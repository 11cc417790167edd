// The demo's whole story in real Chromium, against the real servers `npm start` runs: three
// people set up payments (reading their SMS codes on their phones), chat, take the assistant's
// suggestion, send, request, pay, decline, split in a group, read their history, and switch
// to French and dark mode. Elements are found as a person finds them: roles, labels, text;
// axe-core checks each screen on the way (WCAG 2.2 A and AA), the card frame included.
//
// `npm run screenshots` runs it with SCREENSHOTS=1 to write docs/images/*.png.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../../../scripts/axe.mjs';
import { chromiumLaunchOptions } from '../../../scripts/chromium.mjs';
import { type RunningDemo, startDemo } from './testing/demo-servers.js';

const SHOTS = process.env.SCREENSHOTS ? new URL('../../../docs/images/', import.meta.url) : null;
const PIN = '914273';
const people = {
  alice: { name: 'Alice', legal: 'Alice Martin', phone: '06 12 34 56 78' },
  bob: { name: 'Bob', legal: 'Bob Durand', phone: '06 98 76 54 32' },
  chloe: { name: 'Chloé', legal: 'Chloé Bernard', phone: '07 56 78 12 34' },
};
type Who = keyof typeof people;

let demo: RunningDemo;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  demo = await startDemo();
  browser = await chromium.launch(chromiumLaunchOptions);
  page = await browser.newPage({
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    colorScheme: 'light',
  });
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => console.error('page error:', error));
  page.on('console', (m) => {
    // Refused calls (a 403 asking for the PIN) are part of the story; script errors are not.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
      console.error('console:', m.text());
    }
  });
  await page.goto(demo.url);
}, 60_000);

// What the page looked like when a step failed, to see why.
afterEach(async (context) => {
  if (context.task.result?.state !== 'fail' || !page) return;
  const path = join(tmpdir(), `settle-demo-failure-${Date.now()}.png`);
  await page.screenshot({ path, fullPage: true });
  console.error(`Screenshot of the failure: ${path}`);
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

/** axe on the whole screen as it is now, the card frame included; the story goes on after. */
const expectAccessible = async (what: string) =>
  expect.soft(await axeViolations(page), what).toEqual([]);

/** One person's phone on the demo's screen. */
const phone = (who: Who) =>
  page.getByRole('region', { name: new RegExp(`^${people[who].name}.s phone$`) });

const shot = async (name: string) => {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, SHOTS).pathname });
};

const visible = (locator: Locator, timeout?: number) =>
  locator.waitFor({ state: 'visible', ...(timeout ? { timeout } : {}) });

/**
 * Whether a phone's conversation shows its newest message whole, as a chat does when one
 * arrives (and keeps doing as bubbles grow or the list gets shorter).
 */
const showsNewest = (who: Who) =>
  expect
    .poll(() =>
      phone(who)
        .getByRole('list', { name: /^Messages / })
        .evaluate((list) => {
          const newest = list.lastElementChild?.getBoundingClientRect();
          return newest ? newest.bottom <= list.getBoundingClientRect().bottom + 1 : false;
        }),
    )
    .toBe(true);

/** The assistant's question on a phone before it lets a third party read messages. */
const asks = (who: Who) =>
  phone(who).getByRole('group', { name: 'Let Weather read your messages?' });

/** A status or label as a person reads it (screen readers also hear it once, politely). */
const sees = (scope: Locator, text: string) => scope.getByText(text, { exact: true }).first();

async function say(who: Who, text: string) {
  const composer = phone(who).getByRole('textbox', { name: 'Message' });
  await composer.fill(text);
  await composer.press('Enter');
}

async function enroll(who: Who, { screenshot = false, refusedCardFirst = false } = {}) {
  const person = people[who];
  const it = phone(who);
  await it.getByRole('button', { name: 'Set up payments' }).click();
  if (screenshot) await expectAccessible('enrollment: profile');
  await it.getByLabel('Legal name').fill(person.legal);
  await it.getByLabel('Mobile number').fill(person.phone);
  await it.getByRole('button', { name: 'Continue' }).click();

  // Card numbers go into Settle's card frame, served from the Settle server's origin.
  const card = it.getByTitle('Card details').contentFrame();
  const number = card.getByLabel('Card number');
  if (screenshot) {
    await visible(number);
    await expectAccessible('enrollment: card frame');
  }
  if (refusedCardFirst) {
    // The sandbox card Settle refuses when it is attached: no "saved", the reason beside the
    // fields, and the focus back on the number, the only field to type again.
    await number.fill('4000 0000 0000 0069');
    await card.getByLabel('Expiry date (MM/YY)').fill('12/34');
    await card.getByLabel('Security code (CVC)').fill('123');
    await card.getByRole('button', { name: 'Save card' }).click();
    await visible(card.getByRole('alert').getByText('This card has expired.'));
    expect(await card.getByRole('status').textContent()).toBe('');
    expect(await number.evaluate((input) => input === input.ownerDocument.activeElement)).toBe(
      true,
    );
    expect(await number.inputValue()).toBe('');
    expect(await card.getByLabel('Expiry date (MM/YY)').inputValue()).toBe('12/34');
    await number.fill('4000 0025 0000 0003');
  } else {
    await number.fill('4000 0025 0000 0003');
    await card.getByLabel('Expiry date (MM/YY)').fill('12/34');
    await card.getByLabel('Security code (CVC)').fill('123');
  }
  await card.getByRole('button', { name: 'Save card' }).click();

  if (screenshot) {
    await visible(it.getByLabel('PIN', { exact: true }));
    await expectAccessible('enrollment: PIN');
  }
  await it.getByLabel('PIN', { exact: true }).fill(PIN);
  await it.getByLabel('Enter the PIN again').fill(PIN);
  await it.getByRole('button', { name: 'Continue' }).click();

  // The SMS lands on this person's phone, as a notification.
  const sms = it.getByRole('region', { name: 'Notifications' }).getByRole('status');
  await visible(sms);
  if (screenshot) {
    await shot('enrollment-sms');
    await expectAccessible('enrollment: SMS code, the SMS arrived');
  }
  const code = (await sms.textContent())?.match(/\b\d{6}\b/)?.[0];
  expect(code).toBeDefined();
  await it.getByLabel('Code from the SMS').fill(code as string);
  await it.getByRole('button', { name: 'Verify' }).click();
  await visible(it.getByRole('heading', { name: 'Payments are set up' }));
  if (screenshot) await expectAccessible('enrollment: done');
  await it.getByRole('button', { name: 'Dismiss' }).click();
  await it.getByRole('button', { name: 'Back to the chat' }).click();
  await it.getByRole('button', { name: 'Set up payments' }).waitFor({ state: 'detached' });
}

async function request(
  who: Who,
  title: string,
  { amount, note }: { amount: string; note: string },
) {
  await phone(who).getByRole('button', { name: 'Request money' }).click();
  const dialog = page.getByRole('dialog', { name: title });
  await dialog.getByLabel(/Amount/).fill(amount);
  await dialog.getByLabel('What is it for? (optional)').fill(note);
  await dialog.getByRole('button', { name: 'Request', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
}

describe('the demo story', { timeout: 60_000 }, () => {
  it('shows Alice, Bob and Chloé side by side, each with their phone and conversations', async () => {
    for (const who of ['alice', 'bob', 'chloe'] as const) await visible(phone(who));
    await visible(phone('alice').getByRole('tab', { name: 'Bob', selected: true }));
    await visible(phone('bob').getByRole('tab', { name: 'Alice', selected: true }));
    await visible(phone('chloe').getByRole('tab', { name: 'Friday dinner', selected: true }));
    await visible(phone('chloe').getByRole('list', { name: 'Messages in Friday dinner' }));
    await visible(phone('alice').getByRole('list', { name: 'Messages with Bob' }));
    await expectAccessible('the three phones');
    // Tab goes from the conversation's tab to its messages: the keyboard scrolls them, even
    // when they are text alone, with nothing focusable inside.
    await phone('alice').getByRole('tab', { name: 'Bob' }).focus();
    await page.keyboard.press('Tab');
    const focusedList = await phone('alice')
      .getByRole('list', { name: 'Messages with Bob' })
      .evaluate((list) => list === list.ownerDocument.activeElement);
    expect(focusedList).toBe(true);
  });

  it('sets up payments for Alice, her SMS code arriving as a notification on her phone', async () => {
    await enroll('alice', { screenshot: true });
  });

  it("offers Alice to send 20 € as soon as Bob writes 'tu me dois 20 € pour le resto', and pays it live on both sides", async () => {
    await say('bob', 'tu me dois 20 € pour le resto');
    await visible(phone('alice').getByText('tu me dois 20 € pour le resto'));
    // A first message: each phone asks whether Weather, a third party, may read messages.
    // The question takes room from the conversation, which still shows the message.
    for (const who of ['alice', 'bob'] as const) {
      await visible(asks(who));
      await showsNewest(who);
    }
    // Only Weather waits for the answer: the money suggestion, made on the device, shows now.
    const chip = phone('alice').getByRole('button', { name: 'Send €20.00', exact: true });
    await visible(chip);
    // Bob's own assistant reads it the other way round: he is owed.
    await visible(phone('bob').getByRole('button', { name: 'Request €20.00', exact: true }));
    await shot('assistant-chip');
    await expectAccessible('suggestions, and the question about Weather');

    await chip.click();
    const dialog = page.getByRole('dialog', { name: 'Send money to Bob' });
    expect(await dialog.getByLabel(/Amount/).inputValue()).toBe('20.00');
    await dialog.getByLabel('Note (optional)').fill('Resto');
    await expectAccessible('the send dialog');
    await dialog.getByRole('button', { name: 'Send', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    // Settled: the chips go on both phones, Bob's as soon as the transfer reaches him.
    for (const [who, title] of [
      ['alice', 'Send €20.00'],
      ['bob', 'Request €20.00'],
    ] as const) {
      await phone(who).getByRole('button', { name: title, exact: true }).waitFor({
        state: 'detached',
      });
    }

    // Bob has not set up payments yet: the money waits for him, on both phones.
    const resto = (who: Who) => phone(who).getByRole('listitem').filter({ hasText: 'Resto' });
    await visible(sees(resto('alice'), 'Waiting for Bob to set up payments'));
    await visible(sees(resto('bob'), 'Set up payments to receive it'));
    // Once he has, it is paid out, and both bubbles turn completed without a reload.
    await enroll('bob');
    for (const who of ['alice', 'bob'] as const) {
      await visible(sees(resto(who), 'Completed'));
      await visible(resto(who).getByText('€20.00'));
      await showsNewest(who);
    }
    await shot('payment-live');
  });

  it('asks before a provider that would read messages off the device first sees one', async () => {
    // Asked since Bob's first message: Alice says yes, then the weather is offered.
    await asks('alice').getByRole('button', { name: 'Allow' }).click();
    await say('alice', 'Il va pleuvoir demain ?');
    await visible(phone('alice').getByRole('button', { name: /^Tomorrow: / }));
    // Bob says no: the weather provider never sees his messages; the reminder still offers.
    await asks('bob').getByRole('button', { name: 'No thanks' }).click();
    await visible(phone('bob').getByRole('button', { name: 'Remind me tomorrow', exact: true }));
    expect(
      await phone('bob')
        .getByRole('button', { name: /Weather/ })
        .count(),
    ).toBe(0);
  });

  it('lets Bob pay a request from Alice with his PIN, and decline another', async () => {
    await request('alice', 'Request money from Bob', { amount: '45', note: 'Concert' });
    const concert = (who: Who) => phone(who).getByRole('listitem').filter({ hasText: 'Concert' });
    await visible(sees(concert('alice'), 'Waiting for payment'));
    // Above 30 € the payment needs the PIN (strong customer authentication).
    await concert('bob').getByRole('button', { name: 'Pay €45.00' }).click();
    const pin = page.getByRole('dialog', { name: 'Confirm with your PIN' });
    await expectAccessible('the PIN dialog of a bubble');
    await pin.getByLabel('Your Settle PIN').fill(PIN);
    await pin.getByRole('button', { name: 'Confirm €45.00' }).click();
    for (const who of ['alice', 'bob'] as const) await visible(sees(concert(who), 'Paid'));

    await request('alice', 'Request money from Bob', { amount: '12', note: 'Café' });
    const coffee = (who: Who) => phone(who).getByRole('listitem').filter({ hasText: 'Café' });
    await coffee('bob').getByRole('button', { name: 'Decline' }).click();
    for (const who of ['alice', 'bob'] as const) {
      await visible(sees(coffee(who), 'Declined'));
      await showsNewest(who);
    }

    // A suggestion takes room from the conversation, which still shows the message it is about.
    await say('alice', 'On remet ça ce soir ?');
    for (const who of ['alice', 'bob'] as const) {
      await visible(phone(who).getByRole('button', { name: 'Remind me tonight', exact: true }));
      await showsNewest(who);
    }
  });

  it('splits the Friday dinner three ways in the group, showing who has paid', async () => {
    for (const who of ['alice', 'bob'] as const) {
      await phone(who).getByRole('tab', { name: 'Friday dinner' }).click();
    }
    await enroll('chloe', { refusedCardFirst: true });
    await say('chloe', 'Super soirée ! Je fais le partage pour le resto');
    await phone('chloe').getByRole('button', { name: 'No thanks' }).click();
    await phone('chloe').getByRole('button', { name: 'Request money' }).click();
    const dialog = page.getByRole('dialog', { name: 'Request money from the group' });
    await dialog.getByRole('radio', { name: 'Split a total evenly' }).check();
    expect(
      await dialog.getByRole('checkbox', { name: 'Include me in the split' }).isChecked(),
    ).toBe(true);
    await dialog.getByLabel(/Total/).fill('60');
    await visible(dialog.getByText('Each person pays €20.00.'));
    await expectAccessible('the request dialog of a group');
    await dialog.getByLabel('What is it for? (optional)').fill('Resto du vendredi');
    await dialog.getByRole('button', { name: 'Request', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });

    const split = (who: Who) =>
      phone(who).getByRole('listitem').filter({ hasText: 'Resto du vendredi' });
    await visible(split('chloe').getByText('0 of 2 paid'));
    await split('alice').getByRole('button', { name: 'Pay €20.00' }).click();
    await visible(split('chloe').getByText('1 of 2 paid'));
    await split('bob').getByRole('button', { name: 'Pay €20.00' }).click();
    // Chloé sees who has paid; each payer sees their own share paid.
    await visible(split('chloe').getByText('2 of 2 paid'));
    for (const who of ['alice', 'bob'] as const) await visible(sees(split(who), 'Paid'));
    await shot('group-split');
  });

  it('holds a first large transfer for review, and completes it on both phones once the platform approves', async () => {
    await phone('chloe').getByRole('button', { name: 'Pay Alice' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send money to Alice' });
    await dialog.getByLabel(/Amount/).fill('250');
    await dialog.getByLabel('Note (optional)').fill('Weekend à Lyon');
    await dialog.getByRole('button', { name: 'Send', exact: true }).click();
    await dialog.getByLabel('Your Settle PIN').fill(PIN);
    await dialog.getByRole('button', { name: 'Confirm €250.00' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const lyon = (who: Who) =>
      phone(who).getByRole('listitem').filter({ hasText: 'Weekend à Lyon' });
    for (const who of ['chloe', 'alice'] as const) {
      await visible(sees(lyon(who), 'Being checked for your security.'));
    }
    await page.getByText('Platform admin').click();
    const desk = page.getByRole('region', { name: 'Platform admin' });
    const flag = desk
      .getByRole('listitem')
      .filter({ hasText: 'Chloé: first large transfer to someone new' });
    await expectAccessible('the platform admin, a payment in review');
    await flag.getByRole('button', { name: 'Approve' }).click();
    for (const who of ['chloe', 'alice'] as const) {
      await visible(sees(lyon(who), 'Completed'));
      await showsNewest(who);
    }
    // Bob is in the group but not in the payment: he sees that it happened, not what it was.
    await visible(phone('bob').getByText('Chloé sent money to Alice.'));

    // The platform can also freeze an account: no money moves to or from it.
    await desk.getByRole('switch', { name: 'Freeze Bob' }).check();
    await visible(phone('bob').getByText('Payments are on hold: contact support.'));
    // Another tab, or a later visit, shows the desk as Settle has it: Bob frozen.
    const other = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await other.goto(demo.url);
    await other.getByText('Platform admin').click();
    await expect
      .poll(() => other.getByRole('switch', { name: 'Freeze Bob' }).isChecked())
      .toBe(true);
    expect(await other.getByRole('switch', { name: 'Freeze Alice' }).isChecked()).toBe(false);
    await other.close();
    await desk.getByRole('switch', { name: 'Freeze Bob' }).uncheck();
    await phone('bob')
      .getByText('Payments are on hold: contact support.')
      .waitFor({ state: 'detached' });
    await page.getByText('Platform admin').click();
  });

  it("shows each person's payment history, newest first", async () => {
    await phone('alice').getByRole('button', { name: 'Payment history' }).click();
    const payments = phone('alice').getByRole('list', { name: 'Payments' }).getByRole('listitem');
    await visible(payments.first());
    const lines = await payments.allTextContents();
    // Chloé's 250 €, Alice's share of the dinner, the concert Bob paid her, the 20 € she sent.
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain('From Chloé');
    expect(lines[0]).toContain('€250.00');
    expect(lines[1]).toContain('To Chloé');
    expect(lines[1]).toContain('€20.00');
    expect(lines[2]).toContain('From Bob');
    expect(lines[2]).toContain('€45.00');
    expect(lines[3]).toContain('To Bob');
    expect(lines[3]).toContain('€20.00');
    await shot('history');
    await expectAccessible('the payment history');

    // A payment of the list takes Alice to its bubble in the chat, with the focus on it: a
    // request Bob paid, then her share of the split.
    const focusedItem = (text: string) =>
      expect
        .poll(() =>
          phone('alice')
            .getByRole('listitem')
            .filter({ hasText: text })
            .last()
            .evaluate((item) => item === item.ownerDocument.activeElement),
        )
        .toBe(true);
    await payments.nth(2).getByRole('button').click();
    await visible(phone('alice').getByRole('tab', { name: 'Bob', selected: true }));
    await focusedItem('Concert');
    await phone('alice').getByRole('button', { name: 'Payment history' }).click();
    await payments.nth(1).getByRole('button').click();
    await visible(phone('alice').getByRole('tab', { name: 'Friday dinner', selected: true }));
    await focusedItem('Resto du vendredi');
  });

  it('speaks French and turns dark, the Settle elements with it', async () => {
    await page.getByLabel('Language').selectOption({ label: 'Français' });
    const alice = page.getByRole('region', { name: 'Téléphone d’Alice' });
    await visible(alice.getByRole('tab', { name: 'Resto du vendredi', selected: true }));
    await visible(alice.getByRole('list', { name: 'Messages du groupe Resto du vendredi' }));
    await visible(page.getByRole('region', { name: 'Téléphone de Bob' }));
    await visible(alice.getByRole('button', { name: 'Demander de l’argent' }));
    await visible(alice.getByRole('button', { name: 'Payer Bob' }));
    await visible(sees(alice, 'Effectué'));

    await page.getByRole('switch', { name: 'Mode sombre' }).check();
    const style = (scope: Locator, property: 'backgroundColor' | 'colorScheme') =>
      scope.evaluate(
        (el, name) => el.ownerDocument.defaultView?.getComputedStyle(el)[name],
        property,
      );
    const [r = 255, g = 255, b = 255] =
      (await style(alice, 'backgroundColor'))?.match(/\d+/g)?.map(Number) ?? [];
    expect(r + g + b).toBeLessThan(150);
    // Inside the Settle elements too: the bubble's status is drawn in the dark scheme.
    const paid = sees(
      alice.getByRole('listitem').filter({ hasText: 'Weekend à Lyon' }),
      'Effectué',
    );
    expect(await style(paid, 'colorScheme')).toBe('dark');
    await shot('french-dark');
    await expectAccessible('French, dark');
  });

  it('titles the screen that unlocks an account after "Secure my account" as such, not as a set-up', async () => {
    await page.getByLabel('Langue').selectOption({ label: 'English' });
    await phone('chloe').getByRole('button', { name: 'Assistant and security' }).click();
    await phone('chloe').getByRole('button', { name: 'Secure my account' }).click();
    // Back to the chat once Settle answered.
    await phone('chloe')
      .getByRole('heading', { name: 'Assistant and security' })
      .waitFor({ state: 'detached' });
    await phone('chloe').getByRole('button', { name: 'Unlock' }).click();
    await visible(phone('chloe').getByRole('heading', { name: 'Unlock payments' }));
    await visible(phone('chloe').getByRole('heading', { name: 'Unlock your account' }));
    await expectAccessible('unlocking an account');
    expect(await phone('chloe').getByRole('heading', { name: 'Set up payments' }).count()).toBe(0);
    await phone('chloe').getByRole('button', { name: 'Back to the chat' }).click();
  });

  it('opens on the newest message, on a phone-sized screen too', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await showsNewest('alice');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
