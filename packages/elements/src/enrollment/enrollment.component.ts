import { msg, str } from '@lit/localize';
import { type Account, RateLimitError, SettleApiError } from '@settle/sdk';
import { css, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { translationFor } from '../i18n/localization.js';
import { errorText } from '../shared/error-text.js';
import { SettleElement } from '../shared/settle-element.js';
import { controlStyles, themeStyles } from '../shared/styles.js';
import { cardFrameUrl, listenToCardFrame, postToCardFrame } from './card-frame.js';

type PhoneModule = typeof import('@settle/sdk/phone');
type Country = 'FR' | 'GB' | 'US';

/** The steps a user sees, in order; `unlock` replaces them for a locked account. */
const STEPS = ['profile', 'card', 'pin', 'verification'] as const;
type Step = (typeof STEPS)[number] | 'unlock' | 'done' | 'frozen';

const COUNTRIES: Country[] = ['FR', 'GB', 'US'];

/** The phone helpers and their metadata load only when enrollment shows (code splitting). */
let phoneModule: Promise<PhoneModule> | undefined;
const loadPhone = () => {
  phoneModule ??= import('@settle/sdk/phone');
  return phoneModule;
};

/**
 * @summary Sets up payments: profile with a mobile number, the debit card in Settle's card
 * frame, a PIN, and the SMS code. Shows progress, and resumes where the user left off (the
 * account's `nextStep`); a locked account is unlocked with an SMS code and a new PIN.
 *
 * @fires settle-enrollment-step - A step is shown: `detail` is `{ step, account }`.
 * @fires settle-enrolled - Payments are set up: `detail.account`.
 * @fires settle-card-error - The card frame or Settle refused the card: `detail.code` (never
 * the number).
 * @csspart progress - The list of steps.
 * @csspart step - The current step's form.
 * @csspart heading - The current step's heading.
 * @csspart card-frame - The iframe of the card frame.
 * @csspart submit - The current step's main button.
 * @csspart error - The error message.
 */
export class SettleEnrollment extends SettleElement {
  static override styles = [
    themeStyles,
    controlStyles,
    css`
      :host {
        display: block;
        max-width: 28rem;
      }
      .panel {
        padding: 1.25rem;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        background: var(--_surface);
      }
      ol {
        display: flex;
        gap: 0.25rem;
        margin: 0 0 1rem;
        padding: 0;
        list-style: none;
        counter-reset: step;
      }
      ol li {
        flex: 1;
        padding-top: 0.4rem;
        border-top: 4px solid var(--_border);
        color: var(--_muted);
        font-size: 0.8rem;
      }
      ol li.done,
      ol li[aria-current='step'] {
        border-top-color: var(--_accent);
        color: var(--_text);
      }
      ol li[aria-current='step'] {
        font-weight: 700;
      }
      h2 {
        margin: 0 0 0.75rem;
        font-size: 1.2rem;
      }
      h2:focus {
        outline: none;
      }
      .phone {
        display: flex;
        align-items: stretch;
        gap: 0.4rem;
      }
      .phone .prefix {
        display: flex;
        align-items: center;
        padding: 0 0.6rem;
        border: 1px solid var(--_border);
        border-radius: calc(var(--_radius) / 1.5);
        background: var(--_surface-raised);
      }
      iframe {
        display: block;
        width: 100%;
        height: 14rem;
        border: 0;
      }
      iframe.loading {
        visibility: hidden;
        height: 0;
      }
      .saved {
        font-weight: 600;
      }
    `,
  ];

  /** The country preselected in the profile; by default the one of the page's language. */
  @property() country?: Country;

  @state() private busy = false;
  @state() private error = '';
  @state() private fieldErrors: Record<string, string> = {};
  @state() private selectedCountry: Country = 'FR';
  @state() private phoneText = '';
  @state() private frameState: 'loading' | 'ready' | 'failed' = 'loading';
  /** When a new SMS code may be asked for (ms), and the masked phone it went to. */
  @state() private resendAt = 0;
  @state() private sentTo?: string;
  @state() private now = Date.now();
  @state() private unlockCodeSent = false;

  @query('h2') private heading?: HTMLElement;
  @query('iframe') private frame?: HTMLIFrameElement;

  private phone?: PhoneModule;
  private shownStep?: Step;
  private stopFrame?: () => void;
  private frameTimer?: ReturnType<typeof setTimeout>;
  private ticker?: ReturnType<typeof setInterval>;

  private get account(): Account | undefined {
    return this.session?.account;
  }

  private get step(): Step | undefined {
    const account = this.account;
    if (!account) return undefined;
    if (account.status === 'frozen') return 'frozen';
    return account.nextStep ?? 'done';
  }

  override connectedCallback() {
    super.connectedCallback();
    this.ticker = setInterval(() => {
      if (this.step === 'verification' || this.step === 'unlock') this.now = Date.now();
    }, 1000);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.ticker);
    clearTimeout(this.frameTimer);
    this.stopFrame?.();
    this.stopFrame = undefined;
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('country') || !this.shownStep) {
      const region = this.locale.split('-')[1]?.toUpperCase();
      this.selectedCountry =
        this.country ?? (COUNTRIES.includes(region as Country) ? (region as Country) : 'FR');
    }
    if (this.step !== this.shownStep) {
      this.error = '';
      this.fieldErrors = {};
      this.frameState = 'loading';
      // Setting the PIN sent the first code; a new one may be asked for 30 s later.
      if (this.step === 'verification' && !this.resendAt) this.resendAt = Date.now() + 30_000;
    }
    if (this.step === 'profile' && !this.phone) {
      void loadPhone().then((module) => {
        this.phone = module;
        this.requestUpdate();
      });
    }
  }

  override updated() {
    const step = this.step;
    if (step === this.shownStep) return;
    const first = this.shownStep === undefined;
    this.shownStep = step;
    if (!step) return;
    this.stopFrame?.();
    this.stopFrame = undefined;
    if (step === 'card') this.watchFrame();
    this.emit('settle-enrollment-step', { step, account: this.account });
    if (step === 'done') this.emit('settle-enrolled', { account: this.account });
    // A new step: say so, and move the focus to it (not on first display: the page decides).
    if (!first) {
      this.heading?.focus();
      this.announce(this.heading?.textContent?.trim() ?? '');
    }
  }

  override render() {
    return html`<div class="panel">${this.renderBody()}</div>
      ${this.liveRegion()}`;
  }

  private renderBody() {
    if (!this.session || !this.account) {
      if (this.session?.accountError) {
        return html`<p class="error" part="error">${errorText(this.session.accountError)}</p>
          <div class="actions">
            <button type="button" class="button" @click=${() => this.session?.reloadAccount()}>
              ${msg('Try again')}
            </button>
          </div>`;
      }
      return html`<p aria-busy="true">
        <span class="spinner" aria-hidden="true"></span> ${msg('Loading…')}
      </p>`;
    }
    switch (this.step) {
      case 'profile':
        return this.withProgress(0, this.renderProfile());
      case 'card':
        return this.withProgress(1, this.renderCard());
      case 'pin':
        return this.withProgress(2, this.renderPin());
      case 'verification':
        return this.withProgress(3, this.renderVerification());
      case 'unlock':
        return this.renderUnlock();
      case 'frozen':
        return html`<h2 part="heading" tabindex="-1">${msg('Your account is on hold')}</h2>
          <p>${msg('Payments are paused for your security. Contact support.')}</p>`;
      default:
        return this.renderDone();
    }
  }

  private stepNames() {
    return [msg('Profile'), msg('Card'), msg('PIN'), msg('SMS code')];
  }

  private withProgress(index: number, body: unknown) {
    const names = this.stepNames();
    return html`<ol part="progress" aria-label=${msg('Progress')}>
        ${names.map(
          (name, i) =>
            html`<li class=${i < index ? 'done' : ''} aria-current=${i === index ? 'step' : 'false'}>
              ${name}${
                i < index ? html`<span class="visually-hidden"> ${msg('(done)')}</span>` : nothing
              }
            </li>`,
        )}
      </ol>
      <p class="hint">${msg(str`Step ${index + 1} of ${STEPS.length}`)}</p>
      ${body}`;
  }

  private fieldError(name: string) {
    return html`<p class="error" id="${name}-error" role="alert">
      ${this.fieldErrors[name] ?? ''}
    </p>`;
  }

  private invalid(name: string) {
    return this.fieldErrors[name] ? 'true' : 'false';
  }

  private submitButton(label: string) {
    return html`<p class="error" part="error" role="alert">${this.error}</p>
      <div class="actions">
        <button type="submit" class="button primary" part="submit" aria-disabled=${this.busy ? 'true' : 'false'}>
          ${this.busy ? html`<span class="spinner" aria-hidden="true"></span>` : nothing}
          ${label}
        </button>
      </div>`;
  }

  private renderProfile() {
    const regions = new Intl.DisplayNames([this.locale], { type: 'region' });
    const prefix = this.phone?.callingCode(this.selectedCountry) ?? '';
    return html`<form part="step" @submit=${this.submitProfile} novalidate aria-busy=${this.busy}>
      <h2 part="heading" tabindex="-1">${msg('About you')}</h2>
      <div class="field">
        <label for="name">${msg('Legal name')}</label>
        <input
          id="name"
          name="name"
          autocomplete="name"
          required
          maxlength="100"
          aria-invalid=${this.invalid('name')}
          aria-describedby="name-error"
        />
        ${this.fieldError('name')}
      </div>
      <div class="field">
        <label for="country">${msg('Country')}</label>
        <select
          id="country"
          name="country"
          autocomplete="country"
          @change=${(e: Event) => {
            this.selectedCountry = (e.target as HTMLSelectElement).value as Country;
            this.phoneText = '';
          }}
        >
          ${COUNTRIES.map(
            (code) =>
              html`<option value=${code} ?selected=${code === this.selectedCountry}>
                ${regions.of(code)}
              </option>`,
          )}
        </select>
      </div>
      <div class="field">
        <label for="phone">${msg('Mobile number')}</label>
        <div class="phone">
          ${prefix ? html`<span class="prefix" aria-hidden="true">${prefix}</span>` : nothing}
          <input
            id="phone"
            name="phone"
            type="tel"
            autocomplete="tel-national"
            required
            .value=${this.phoneText}
            @input=${this.onPhoneInput}
            aria-invalid=${this.invalid('phone')}
            aria-describedby="phone-hint phone-error"
          />
        </div>
        <p class="hint" id="phone-hint">${msg('We send a code to this number by SMS.')}</p>
        ${this.fieldError('phone')}
      </div>
      ${this.submitButton(msg('Continue'))}
    </form>`;
  }

  private onPhoneInput(event: Event) {
    const input = event.target as HTMLInputElement;
    const deleting = (event as InputEvent).inputType?.startsWith('delete');
    // Formatting while deleting would put back the characters just removed.
    const value =
      this.phone && !deleting
        ? this.phone.formatPhoneInput(input.value, this.selectedCountry)
        : input.value;
    this.phoneText = value;
    if (value !== input.value) input.value = value;
    if (this.fieldErrors.phone) this.fieldErrors = { ...this.fieldErrors, phone: '' };
  }

  private async submitProfile(event: Event) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const legalName = (form.elements.namedItem('name') as HTMLInputElement).value.trim();
    const phoneText = (form.elements.namedItem('phone') as HTMLInputElement).value;
    const errors: Record<string, string> = {};
    if (!legalName) errors.name = msg('Enter your name as on your ID.');
    const phone = await loadPhone();
    if (!phone.parseMobile(phoneText, this.selectedCountry)) {
      errors.phone = msg('Enter a valid mobile number for this country.');
    }
    if (Object.keys(errors).length > 0) return this.showFieldErrors(errors);
    await this.run(() =>
      this.client.account.setProfile({
        legalName,
        country: this.selectedCountry,
        phone: phoneText,
      }),
    );
  }

  private async showFieldErrors(errors: Record<string, string>) {
    this.fieldErrors = errors;
    await this.updateComplete;
    const first = Object.keys(errors)[0];
    this.renderRoot.querySelector<HTMLElement>(`[aria-describedby~="${first}-error"]`)?.focus();
  }

  private get client() {
    return (this.session as NonNullable<typeof this.session>).client;
  }

  /** Runs one step's call; its account moves the flow on. */
  private async run(call: () => Promise<Account>) {
    if (this.busy) return;
    this.busy = true;
    this.error = '';
    try {
      const account = await call();
      this.session?.setAccount(account);
    } catch (error) {
      // A code the server refused is that field's error: said beside it, with the focus.
      if (error instanceof SettleApiError && CODE_ERRORS.has(error.code)) {
        await this.showFieldErrors({ code: errorText(error) });
        return;
      }
      this.error = errorText(error);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[part="error"]')?.scrollIntoView?.({
        block: 'nearest',
      });
    } finally {
      this.busy = false;
    }
  }

  private renderCard() {
    const session = this.session as NonNullable<typeof this.session>;
    const src = cardFrameUrl(session.baseUrl, translationFor(this.locale));
    return html`<div part="step">
      <h2 part="heading" tabindex="-1">${msg('Add your debit card')}</h2>
      <p class="hint">
        ${msg('Your card details go straight to Settle in a secure frame: this site never sees them.')}
      </p>
      ${
        this.frameState === 'loading'
          ? html`<p aria-busy="true">
            <span class="spinner" aria-hidden="true"></span> ${msg('Loading the secure card form…')}
          </p>`
          : nothing
      }
      ${
        this.frameState === 'failed'
          ? html`<p class="error" role="alert">${msg('The secure card form could not be loaded.')}</p>
            <div class="actions">
              <button type="button" class="button" @click=${this.reloadFrame}>
                ${msg('Try again')}
              </button>
            </div>`
          : nothing
      }
      <iframe
        part="card-frame"
        class=${this.frameState === 'ready' ? '' : 'loading'}
        title=${msg('Card details')}
        src=${src}
      ></iframe>
      ${
        this.busy
          ? html`<p aria-busy="true">
            <span class="spinner" aria-hidden="true"></span> ${msg('Saving your card…')}
          </p>`
          : nothing
      }
    </div>`;
  }

  private async watchFrame() {
    if (this.frameState !== 'loading') this.frameState = 'loading';
    await this.updateComplete;
    const frame = this.frame;
    const session = this.session;
    if (!frame || !session) return;
    clearTimeout(this.frameTimer);
    // A frame that never says it is ready was refused (origin not allowed) or unreachable.
    this.frameTimer = setTimeout(() => {
      if (this.frameState === 'loading') this.frameState = 'failed';
    }, 10_000);
    this.stopFrame = listenToCardFrame(frame, session.baseUrl, {
      ready: () => {
        clearTimeout(this.frameTimer);
        this.frameState = 'ready';
        postToCardFrame(frame, session.baseUrl, { type: 'settle:card-theme', theme: this.scheme });
      },
      resize: (height) => {
        // CSSOM, not a style attribute: allowed under a strict style-src.
        frame.style.height = `${height}px`;
      },
      token: ({ token }) => void this.attachCard(frame, session.baseUrl, token),
      error: (code) => this.emit('settle-card-error', { code }),
    });
  }

  /**
   * Attaches the frame's token. The frame says the outcome beside the card fields, so the
   * person hears "saved" only for a card that was, and a refusal where they type another.
   */
  private async attachCard(frame: HTMLIFrameElement, baseUrl: string, token: string) {
    if (this.busy) return;
    this.busy = true;
    try {
      const account = await this.client.account.attachCard({ token });
      postToCardFrame(frame, baseUrl, { type: 'settle:card-saved' });
      this.session?.setAccount(account);
    } catch (error) {
      // 422: the card itself was refused (expired, credit, another country...).
      const refused = error instanceof SettleApiError && error.status === 422;
      const message = errorText(error);
      postToCardFrame(frame, baseUrl, { type: 'settle:card-not-saved', message, refused });
      if (error instanceof SettleApiError) this.emit('settle-card-error', { code: error.code });
    } finally {
      this.busy = false;
    }
  }

  private async reloadFrame() {
    this.stopFrame?.();
    const frame = this.frame;
    if (frame) frame.src = `${frame.src}`;
    await this.watchFrame();
  }

  /** The scheme the element is drawn in, for the card frame to match. */
  private get scheme(): 'light' | 'dark' {
    const forced = this.theme ?? this.session?.theme;
    if (forced) return forced;
    return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }

  private pinFields(label: string) {
    return html`<div class="field">
        <label for="pin">${label}</label>
        <input
          id="pin"
          name="pin"
          type="password"
          inputmode="numeric"
          autocomplete="new-password"
          maxlength="6"
          required
          aria-invalid=${this.invalid('pin')}
          aria-describedby="pin-hint pin-error"
        />
        <p class="hint" id="pin-hint">
          ${msg('4 to 6 digits. Avoid repeats and sequences like 1234.')}
        </p>
        ${this.fieldError('pin')}
      </div>
      <div class="field">
        <label for="pin2">${msg('Enter the PIN again')}</label>
        <input
          id="pin2"
          name="pin2"
          type="password"
          inputmode="numeric"
          autocomplete="new-password"
          maxlength="6"
          required
          aria-invalid=${this.invalid('pin2')}
          aria-describedby="pin2-error"
        />
        ${this.fieldError('pin2')}
      </div>`;
  }

  /** The new PIN of a form with `pinFields`, or null after showing what is wrong. */
  private readPin(form: HTMLFormElement): string | null {
    const pinInput = form.elements.namedItem('pin') as HTMLInputElement;
    const againInput = form.elements.namedItem('pin2') as HTMLInputElement;
    const [pin, again] = [pinInput.value, againInput.value];
    pinInput.value = '';
    againInput.value = '';
    if (!/^\d{4,6}$/.test(pin)) {
      void this.showFieldErrors({ pin: msg('Choose 4 to 6 digits.') });
      return null;
    }
    if (pin !== again) {
      void this.showFieldErrors({ pin: msg('The two PINs differ. Enter them again.') });
      return null;
    }
    return pin;
  }

  private renderPin() {
    const card = this.account?.card;
    return html`<form part="step" @submit=${this.submitPin} novalidate aria-busy=${this.busy}>
      <h2 part="heading" tabindex="-1">${msg('Choose a PIN')}</h2>
      ${
        card
          ? html`<p class="saved">
            ${msg(str`Card saved: ${brandName(card.brand)} ending in ${card.last4}`)}
          </p>`
          : nothing
      }
      <p class="hint">${msg('You confirm larger payments with it.')}</p>
      ${this.pinFields(msg('PIN'))} ${this.submitButton(msg('Continue'))}
    </form>`;
  }

  private async submitPin(event: Event) {
    event.preventDefault();
    const pin = this.readPin(event.target as HTMLFormElement);
    if (pin) await this.run(() => this.client.account.setPin({ pin }));
  }

  private resendWait(): number {
    return Math.max(0, Math.ceil((this.resendAt - this.now) / 1000));
  }

  private codeField() {
    return html`<div class="field">
      <label for="code">${msg('Code from the SMS')}</label>
      <input
        id="code"
        name="code"
        inputmode="numeric"
        autocomplete="one-time-code"
        maxlength="6"
        required
        aria-invalid=${this.invalid('code')}
        aria-describedby="code-error"
      />
      ${this.fieldError('code')}
    </div>`;
  }

  private resendButton(label: string) {
    const wait = this.resendWait();
    return html`<button
        type="button"
        class="button link"
        ?disabled=${wait > 0 || this.busy}
        @click=${this.resend}
      >
        ${label}
      </button>
      ${wait > 0 ? html`<span class="hint">${msg(str`Available in ${wait} s`)}</span>` : nothing}`;
  }

  private renderVerification() {
    const phone = this.sentTo ?? this.account?.profile?.phone ?? '';
    return html`<form part="step" @submit=${this.submitCode} novalidate aria-busy=${this.busy}>
      <h2 part="heading" tabindex="-1">${msg('Enter the SMS code')}</h2>
      <p class="hint">${msg(str`We sent a 6-digit code to ${phone}.`)}</p>
      ${this.codeField()}
      <p>${this.resendButton(msg('Send a new code'))}</p>
      ${this.submitButton(msg('Verify'))}
    </form>`;
  }

  private readCode(form: HTMLFormElement): string | null {
    const code = (form.elements.namedItem('code') as HTMLInputElement).value.replace(/\s/g, '');
    if (!/^\d{6}$/.test(code)) {
      void this.showFieldErrors({ code: msg('Enter the 6 digits of the code.') });
      return null;
    }
    return code;
  }

  private async submitCode(event: Event) {
    event.preventDefault();
    const code = this.readCode(event.target as HTMLFormElement);
    if (code) await this.run(() => this.client.account.verify({ code }));
  }

  private async resend() {
    this.error = '';
    try {
      const sent = await this.client.account.sendVerification();
      this.sentTo = sent.phone;
      this.resendAt = Date.parse(sent.resendAvailableAt);
      this.unlockCodeSent = true;
      this.now = Date.now();
      this.announce(msg(str`A new code was sent to ${sent.phone}.`));
    } catch (error) {
      this.error = errorText(error);
      if (error instanceof RateLimitError && error.retryAfter) {
        this.resendAt = Date.now() + error.retryAfter * 1000;
      }
    }
  }

  private renderUnlock() {
    return html`<form part="step" @submit=${this.submitUnlock} novalidate aria-busy=${this.busy}>
      <h2 part="heading" tabindex="-1">${msg('Unlock your account')}</h2>
      <p>${msg('Your account is locked. Verify it is you with a code by SMS, then choose a new PIN.')}</p>
      ${
        this.unlockCodeSent
          ? html`<p class="hint">${msg(str`We sent a 6-digit code to ${this.sentTo ?? ''}.`)}</p>
            ${this.codeField()} ${this.pinFields(msg('New PIN'))}
            <p>${this.resendButton(msg('Send a new code'))}</p>
            ${this.submitButton(msg('Unlock'))}`
          : html`<p class="error" part="error" role="alert">${this.error}</p>
            <div class="actions">
              <button type="button" class="button primary" part="submit" @click=${this.resend}>
                ${msg('Send me a code')}
              </button>
            </div>`
      }
    </form>`;
  }

  private async submitUnlock(event: Event) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const code = this.readCode(form);
    if (!code) return;
    const pin = this.readPin(form);
    if (pin) await this.run(() => this.client.account.unlock({ code, pin }));
  }

  private renderDone() {
    const card = this.account?.card;
    return html`<div part="step">
      <h2 part="heading" tabindex="-1">${msg('Payments are set up')}</h2>
      <p>${msg('You can now send and request money in your conversations.')}</p>
      ${
        card
          ? html`<p class="hint">
            ${msg(str`Card: ${brandName(card.brand)} ending in ${card.last4}`)}
          </p>`
          : nothing
      }
    </div>`;
  }
}

/** Errors about the SMS code typed, shown on its field. */
const CODE_ERRORS = new Set(['code_incorrect', 'code_expired']);

const BRANDS: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  cartes_bancaires: 'CB',
};
const brandName = (brand: string) => BRANDS[brand] ?? brand;
