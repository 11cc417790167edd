import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { executeServerCommand, sendKeys } from '@web/test-runner-commands';
import '../provider/define.js';
import './define.js';
import { expectAccessible } from '../testing/a11y.js';
import {
  advanceClock,
  enroll,
  focused,
  inShadow,
  PIN,
  sdkFor,
  settleUrl,
  smsCode,
  textOf,
  tokenUrl,
  uid,
  until,
} from '../testing/server.js';
import type { SettleEnrollment } from './enrollment.component.js';

async function mount(userId: string, lang = 'en') {
  const provider = await fixture(html`<settle-provider
    lang=${lang}
    base-url=${await settleUrl()}
    token-url=${tokenUrl(userId)}
  >
    <settle-enrollment></settle-enrollment>
  </settle-provider>`);
  const el = provider.querySelector('settle-enrollment') as SettleEnrollment;
  await until(() => el.shadowRoot?.querySelector('h2'));
  return el;
}

/** A French mobile number no other test uses: national and E.164. */
function newPhone() {
  const digits = String(Math.floor(Math.random() * 1e7)).padStart(7, '0');
  return { national: `064${digits}`, e164: `+3364${digits}` };
}

const heading = (el: SettleEnrollment) => textOf(inShadow(el, 'h2'));
const field = (el: SettleEnrollment, id: string) => inShadow<HTMLInputElement>(el, `#${id}`);

function fill(el: SettleEnrollment, values: Record<string, string>) {
  for (const [id, value] of Object.entries(values)) {
    const input = field(el, id);
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  }
}

const submit = (el: SettleEnrollment) => inShadow<HTMLButtonElement>(el, '[part="submit"]').click();

async function stepShows(el: SettleEnrollment, title: string) {
  await until(() => heading(el) === title, 8000, `step "${title}" (at "${heading(el)}")`);
}

/** Types a sandbox card into the real card frame, as a person would, and saves it. */
async function typeCard(el: SettleEnrollment, number: string) {
  const frame = inShadow<HTMLIFrameElement>(el, '[part="card-frame"]');
  await until(() => !frame.classList.contains('loading'), 8000, 'the card frame');
  const expiry = `12${String(new Date().getFullYear() + 3).slice(2)}`;
  await executeServerCommand('fill-card-frame', { number, expiry, cvc: '123' });
}

describe('settle-enrollment', () => {
  it('takes a new user through profile, the card frame, PIN and SMS code', async () => {
    const user = uid('nina');
    const phone = newPhone();
    const el = await mount(user);
    await stepShows(el, 'About you');
    expect(textOf(inShadow(el, '[part="progress"]'))).to.equal('Profile Card PIN SMS code');
    expect(inShadow(el, '[aria-current="step"]').textContent?.trim()).to.equal('Profile');

    // The phone metadata loads with enrollment: then the calling code shows.
    await until(() => el.shadowRoot?.querySelector('.prefix')?.textContent === '+33');
    fill(el, { name: 'Nina Durand' });
    const phoneInput = field(el, 'phone');
    phoneInput.focus();
    await sendKeys({ type: phone.national });
    // Formatted as typed, by the phone metadata that loads with enrollment.
    expect(phoneInput.value).to.equal(phone.national.replace(/(\d{2})(?=\d)/g, '$1 '));
    submit(el);

    await stepShows(el, 'Add your debit card');
    expect(textOf(inShadow(el, '.hint'))).to.equal('Step 2 of 4');
    // The focus follows the flow, to the new step.
    expect(focused(el)).to.equal('heading');
    const frame = inShadow<HTMLIFrameElement>(el, '[part="card-frame"]');
    const src = new URL(frame.src);
    expect(src.origin).to.equal(await settleUrl());
    expect(src.searchParams.get('origin')).to.equal(location.origin);

    const seen: unknown[] = [];
    window.addEventListener('message', (e) => seen.push(e.data));
    await typeCard(el, '4000002500000003');
    await stepShows(el, 'Choose a PIN');
    expect(textOf(el.shadowRoot as unknown as Element)).to.contain(
      'Card saved: Visa ending in 0003',
    );
    // The page got a token and the card's last four, never the number.
    expect(JSON.stringify(seen)).not.to.contain('4000002500000003');
    expect(JSON.stringify(seen)).to.contain('"last4":"0003"');

    fill(el, { pin: '1234', pin2: '1234' });
    submit(el);
    await until(() => textOf(inShadow(el, '[part="error"]')).includes('too easy to guess'));
    fill(el, { pin: PIN, pin2: '914274' });
    submit(el);
    await until(
      () => textOf(inShadow(el, '#pin-error')) === 'The two PINs differ. Enter them again.',
    );
    // The person took two minutes over the PIN: the wait for a new code still starts when
    // the code was sent, from the step's first showing (it said 150 s, then 30 s a second later).
    const realNow = Date.now;
    Date.now = () => realNow() + 120_000;
    let firstWait = '';
    el.addEventListener(
      'settle-enrollment-step',
      () => {
        const hints = [...(el.shadowRoot?.querySelectorAll('.hint') ?? [])].map(textOf);
        firstWait = hints.find((hint) => hint.startsWith('Available in')) ?? '';
      },
      { once: true },
    );
    fill(el, { pin: PIN, pin2: PIN });
    submit(el);
    try {
      await stepShows(el, 'Enter the SMS code');
    } finally {
      Date.now = realNow;
    }
    expect(firstWait).to.equal('Available in 30 s');
    expect(textOf(inShadow(el, '[part="step"]'))).to.contain(
      'We sent a 6-digit code to +33 •••••••',
    );
    fill(el, { code: '000000' });
    submit(el);
    // Said beside the code field, which is marked invalid and gets the focus.
    await until(() => textOf(inShadow(el, '#code-error')).includes('That code is not right'));
    const codeField = inShadow<HTMLInputElement>(el, '[aria-describedby~="code-error"]');
    expect(codeField.getAttribute('aria-invalid')).to.equal('true');
    expect(el.shadowRoot?.activeElement).to.equal(codeField);

    const enrolled = oneEvent(el, 'settle-enrolled');
    fill(el, { code: (await smsCode(phone.e164)) as string });
    submit(el);
    await enrolled;
    await stepShows(el, 'Payments are set up');
    expect((await (await sdkFor(user)).account.get()).status).to.equal('active');
  });

  it('puts its headings at the level the page asks for', async () => {
    const provider = await fixture(html`<settle-provider
      base-url=${await settleUrl()}
      token-url=${tokenUrl(uid('hana'))}
    >
      <settle-enrollment heading-level="3"></settle-enrollment>
    </settle-provider>`);
    const el = provider.querySelector('settle-enrollment') as SettleEnrollment;
    const h3 = await until(() => el.shadowRoot?.querySelector('h3'));
    expect(textOf(h3)).to.equal('About you');
    expect(el.shadowRoot?.querySelector('h2')).to.equal(null);
  });

  it('resumes at the step the account is at', async () => {
    const user = uid('omar');
    const settle = await sdkFor(user);
    await settle.account.setProfile({
      legalName: 'Omar Test',
      country: 'FR',
      phone: newPhone().national,
    });
    const el = await mount(user);
    await stepShows(el, 'Add your debit card');
    expect(inShadow(el, '[aria-current="step"]').textContent?.trim()).to.equal('Card');
    expect(textOf(inShadow(el, 'li.done'))).to.equal('Profile (done)');
  });

  it('refuses a card from another country, with the reason', async () => {
    const user = uid('paul');
    await (await sdkFor(user)).account.setProfile({
      legalName: 'Paul Test',
      country: 'FR',
      phone: newPhone().national,
    });
    const el = await mount(user);
    await stepShows(el, 'Add your debit card');
    const codes: string[] = [];
    el.addEventListener('settle-card-error', (e) => codes.push((e as CustomEvent).detail.code));
    await typeCard(el, '4000008260000000');
    // Said in the card frame, beside the number to type again (the demo's story reads it there).
    await until(() => codes.length > 0, 8000, 'the refusal');
    expect(codes).to.deep.equal(['card_country_mismatch']);
    expect(heading(el)).to.equal('Add your debit card');
    expect(el.shadowRoot?.querySelector('[part="error"]')).to.equal(null);
  });

  it('unlocks a locked account with an SMS code and a new PIN', async () => {
    const user = uid('rose');
    const { phone } = await enroll(user);
    await (await sdkFor(user)).account.secure();
    // The enrollment code went out moments ago: a new one may be sent 30 s later.
    await advanceClock(31_000);
    const el = await mount(user);
    await stepShows(el, 'Unlock your account');
    submit(el);
    await until(() => el.shadowRoot?.querySelector('#code'), 5000, 'the code field');
    fill(el, { code: (await smsCode(phone)) as string, pin: '583920', pin2: '583920' });
    submit(el);
    await stepShows(el, 'Payments are set up');
    expect((await (await sdkFor(user)).account.get()).status).to.equal('active');
  });

  it('speaks French, with country names in French', async () => {
    const el = await mount(uid('zoe'), 'fr-FR');
    await stepShows(el, 'À propos de vous');
    expect(textOf(inShadow(el, '#country')))
      .to.contain('France')
      .and.contain('Royaume-Uni');
    expect(textOf(inShadow(el, 'label[for="phone"]'))).to.equal('Numéro de mobile');
    // With 200 % text on a 360 px phone, the steps' names stay inside the panel.
    document.documentElement.style.fontSize = '32px';
    try {
      el.style.cssText = 'width: 344px; font-size: 32px';
      await el.updateComplete;
      const panel = inShadow(el, '.panel').getBoundingClientRect();
      for (const step of el.shadowRoot?.querySelectorAll('[part="progress"] li') ?? []) {
        expect(step.getBoundingClientRect().right, textOf(step)).to.be.at.most(panel.right);
      }
    } finally {
      document.documentElement.style.fontSize = '';
    }
  });

  it('is accessible at each step, and each step works with the keyboard alone', async () => {
    const user = uid('nina');
    const phone = newPhone();
    const el = await mount(user);
    await stepShows(el, 'About you');
    await expectAccessible(el, 'profile');
    // The calling code shown before the number is read with it.
    await until(() => el.shadowRoot?.querySelector('#phone-prefix')?.textContent === '+33');
    expect(field(el, 'phone').getAttribute('aria-describedby')).to.equal(
      'phone-prefix phone-hint phone-error',
    );

    // Enter submits; what is missing is said on each field, the focus on the first.
    field(el, 'name').focus();
    await sendKeys({ press: 'Enter' });
    await until(() => field(el, 'name').getAttribute('aria-invalid') === 'true');
    expect(field(el, 'phone').getAttribute('aria-invalid')).to.equal('true');
    expect(focused(el)).to.equal('name');
    expect(textOf(inShadow(el, '#name-error'))).to.equal('Enter your name as on your ID.');
    await expectAccessible(el, 'profile with errors');
    // Tab goes name, country, mobile number.
    await sendKeys({ type: 'Nina Durand' });
    await sendKeys({ press: 'Tab' });
    expect(focused(el)).to.equal('country');
    await sendKeys({ press: 'Tab' });
    expect(focused(el)).to.equal('phone');
    await sendKeys({ type: phone.national });
    await sendKeys({ press: 'Enter' });

    await stepShows(el, 'Add your debit card');
    expect(focused(el)).to.equal('heading');
    await until(() => textOf(inShadow(el, '[role="status"]')) === 'Add your debit card');
    await expectAccessible(el, 'card, loading the frame');
    const frame = inShadow<HTMLIFrameElement>(el, '[part="card-frame"]');
    await until(() => !frame.classList.contains('loading'), 8000, 'the card frame');
    await expectAccessible(el, 'card');
    await typeCard(el, '4000002500000003');

    await stepShows(el, 'Choose a PIN');
    expect(focused(el)).to.equal('heading');
    await expectAccessible(el, 'PIN');
    await sendKeys({ press: 'Tab' });
    expect(focused(el)).to.equal('pin');
    await sendKeys({ type: PIN });
    await sendKeys({ press: 'Tab' });
    expect(focused(el)).to.equal('pin2');
    await sendKeys({ type: '914274' });
    await sendKeys({ press: 'Enter' });
    await until(() => field(el, 'pin').getAttribute('aria-invalid') === 'true');
    expect(focused(el)).to.equal('pin');
    await expectAccessible(el, 'PIN with an error');
    await sendKeys({ type: PIN });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: PIN });
    await sendKeys({ press: 'Enter' });

    await stepShows(el, 'Enter the SMS code');
    expect(focused(el)).to.equal('heading');
    // A new code may be asked for later: the button says when, and is off until then.
    expect(textOf(inShadow(el, '[part="step"]'))).to.match(/Available in \d+ s/);
    await expectAccessible(el, 'SMS code');
    await sendKeys({ press: 'Tab' });
    expect(focused(el)).to.equal('code');
    await sendKeys({ type: '000000' });
    await sendKeys({ press: 'Enter' });
    await until(() => field(el, 'code').getAttribute('aria-invalid') === 'true');
    expect(focused(el)).to.equal('code');
    await expectAccessible(el, 'SMS code refused');
    field(el, 'code').select();
    await sendKeys({ type: (await smsCode(phone.e164)) as string });
    await sendKeys({ press: 'Enter' });

    await stepShows(el, 'Payments are set up');
    expect(focused(el)).to.equal('heading');
    await expectAccessible(el, 'done');
  });

  it('is accessible loading, when the account cannot load, unlocking, and in French', async () => {
    const provider = await fixture(html`<settle-provider
      base-url=${await settleUrl()}
      .getToken=${() => new Promise<string>(() => {})}
    >
      <settle-enrollment></settle-enrollment>
    </settle-provider>`);
    const loading = provider.querySelector('settle-enrollment') as SettleEnrollment;
    await until(() => loading.shadowRoot?.querySelector('[aria-busy="true"]'));
    await expectAccessible(loading, 'loading');

    const failing = await fixture(html`<settle-provider
      base-url=${await settleUrl()}
      token-url="/__settle/no-such-route"
    >
      <settle-enrollment></settle-enrollment>
    </settle-provider>`);
    const failed = failing.querySelector('settle-enrollment') as SettleEnrollment;
    await until(() => failed.shadowRoot?.querySelector('[part="error"]'));
    await expectAccessible(failed, 'account not loaded');

    const user = uid('rose');
    await enroll(user);
    await (await sdkFor(user)).account.secure();
    await advanceClock(31_000);
    const locked = await mount(user);
    await stepShows(locked, 'Unlock your account');
    await expectAccessible(locked, 'unlock');
    submit(locked);
    await until(() => locked.shadowRoot?.querySelector('#code'), 5000, 'the code field');
    await expectAccessible(locked, 'unlock, code sent');

    const french = await mount(uid('zoe'), 'fr-FR');
    await stepShows(french, 'À propos de vous');
    await expectAccessible(french, 'French');
  });
});
