import { msg, str } from '@lit/localize';
import { type Account, RateLimitError, SettleApiError } from '@settle/sdk';
import { html, nothing, type ReactiveController } from 'lit';
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js';
import type { SettleEventDetails } from '../events.js';
import { translationFor } from '../i18n/localization.js';
import type { SettleSession } from '../session/context.js';
import { errorText } from '../shared/error-text.js';
import { cardFrameUrl, listenToCardFrame, postToCardFrame } from './card-frame.js';
import type { Country, SettleEnrollment } from './enrollment.component.js';

type PhoneModule = typeof import('@settle/sdk/phone');

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

/** What the flow needs of its element, protected members included. */
export interface EnrollmentHost {
  element: SettleEnrollment;
  session(): SettleSession | undefined;
  locale(): string;
  emit<K extends keyof SettleEventDetails>(type: K, detail: SettleEventDetails[K]): void;
  announce(text: string): void;
}

/** An object whose every change redraws `element`, as `@state()` fields do. */
const drawn = <T extends object>(element: SettleEnrollment, values: T): T =>
  new Proxy(values, {
    set(target, key, value) {
      if (Object.is(Reflect.get(target, key), value)) return true;
      Reflect.set(target, key, value);
      element.requestUpdate();
      return true;
    },
  });

/**
 * The steps of `<settle-enrollment>`: their forms, the card frame, and the calls that move
 * the account on. A chunk of its own, loaded when the element connects: most users go
 * through it once, and every page with the one-script bundle would carry it otherwise.
 */
export class EnrollmentFlow implements ReactiveController {
  /** What the steps draw from. */
  private readonly state = drawn(this.host.element, {
    busy: false,
    error: '',
    fieldErrors: {} as Record<string, string>,
    selectedCountry: 'FR' as Country,
    phoneText: '',
    frameState: 'loading' as 'loading' | 'ready' | 'failed',
    /** When a new SMS code may be asked for (ms), and the masked phone it went to. */
    resendAt: 0,
    sentTo: undefined as string | undefined,
    now: Date.now(),
    unlockCodeSent: false,
  });
  private phone?: PhoneModule;
  private shownStep?: Step;
  /** The element's `country` the profile last preselected from. */
  private preset?: Country;
  private stopFrame?: () => void;
  private frameTimer?: ReturnType<typeof setTimeout>;
  private ticker?: ReturnType<typeof setInterval>;

  constructor(private readonly host: EnrollmentHost) {}

  private get element() {
    return this.host.element;
  }

  private get session() {
    return this.host.session();
  }

  private get locale() {
    return this.host.locale();
  }

  private emit<K extends keyof SettleEventDetails>(type: K, detail: SettleEventDetails[K]) {
    this.host.emit(type, detail);
  }

  private announce(text: string) {
    this.host.announce(text);
  }

  private find<T extends HTMLElement>(selector: string) {
    return this.element.renderRoot.querySelector<T>(selector) ?? undefined;
  }

  private get account(): Account | undefined {
    return this.session?.account;
  }

  private get step(): Step | undefined {
    const account = this.account;
    if (!account) return undefined;
    if (account.status === 'frozen') return 'frozen';
    return account.nextStep ?? 'done';
  }

  hostConnected() {
    this.ticker = setInterval(() => {
      if (this.step === 'verification' || this.step === 'unlock') this.state.now = Date.now();
    }, 1000);
  }

  hostDisconnected() {
    clearInterval(this.ticker);
    clearTimeout(this.frameTimer);
    this.stopFrame?.();
    this.stopFrame = undefined;
  }

  hostUpdate() {
    const { country } = this.element;
    if (country !== this.preset || !this.shownStep) {
      this.preset = country;
      const region = this.locale.split('-')[1]?.toUpperCase();
      this.state.selectedCountry =
        country ?? (COUNTRIES.includes(region as Country) ? (region as Country) : 'FR');
    }
    if (this.step !== this.shownStep) {
      this.state.error = '';
      this.state.fieldErrors = {};
      this.state.frameState = 'loading';
      // Setting the PIN sent the first code; a new one may be asked for 30 s later. The
      // ticker leaves `now` alone before this step: count from the real time, not from then.
      if (this.step === 'verification' && !this.state.resendAt) {
        this.state.now = Date.now();
        this.state.resendAt = this.state.now + 30_000;
      }
    }
    if (this.step === 'profile' && !this.phone) {
      loadPhone().then(
        (module) => {
          this.phone = module;
          this.element.requestUpdate();
        },
        () => this.phoneFailed(),
      );
    }
  }

  hostUpdated() {
    const step = this.step;
    if (step === this.shownStep) return;
    const first = this.shownStep === undefined;
    this.shownStep = step;
    // A step comes from the account: both are there, or neither.
    const account = this.account;
    if (!step || !account) return;
    this.stopFrame?.();
    this.stopFrame = undefined;
    if (step === 'card') this.watchFrame();
    this.emit('settle-enrollment-step', { step, account });
    if (step === 'done') this.emit('settle-enrolled', { account });
    // A new step: say so, and move the focus to it (not on first display: the page decides).
    if (!first) {
      const heading = this.find('[part="heading"]');
      heading?.focus();
      this.announce(heading?.textContent?.trim() ?? '');
    }
  }

  /** A step's heading, at the level the page asked for (`heading-level`, default 2). */
  private heading(text: string) {
    const level = this.host.element.headingLevel;
    const tag = unsafeStatic(`h${Number.isInteger(level) && level >= 1 && level <= 6 ? level : 2}`);
    return staticHtml`<${tag} part="heading" tabindex="-1">${text}</${tag}>`;
  }

  /** The current step, or what keeps it from showing. */
  render() {
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
        return html`${this.heading(msg('Your account is on hold'))}
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
      ${this.state.fieldErrors[name] ?? ''}
    </p>`;
  }

  private invalid(name: string) {
    return this.state.fieldErrors[name] ? 'true' : 'false';
  }

  private submitButton(label: string) {
    return html`<p class="error" part="error" role="alert">${this.state.error}</p>
      <div class="actions">
        <button type="submit" class="button primary" part="submit" aria-disabled=${this.state.busy ? 'true' : 'false'}>
          ${this.state.busy ? html`<span class="spinner" aria-hidden="true"></span>` : nothing}
          ${label}
        </button>
      </div>`;
  }

  private renderProfile() {
    const regions = new Intl.DisplayNames([this.locale], { type: 'region' });
    const prefix = this.phone?.callingCode(this.state.selectedCountry) ?? '';
    return html`<form part="step" @submit=${this.submitProfile} novalidate aria-busy=${this.state.busy}>
      ${this.heading(msg('About you'))}
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
            this.state.selectedCountry = (e.target as HTMLSelectElement).value as Country;
            this.state.phoneText = '';
          }}
        >
          ${COUNTRIES.map(
            (code) =>
              html`<option value=${code} ?selected=${code === this.state.selectedCountry}>
                ${regions.of(code)}
              </option>`,
          )}
        </select>
      </div>
      <div class="field">
        <label for="phone">${msg('Mobile number')}</label>
        <div class="phone">
          ${prefix ? html`<span class="prefix" id="phone-prefix">${prefix}</span>` : nothing}
          <input
            id="phone"
            name="phone"
            type="tel"
            autocomplete="tel-national"
            required
            .value=${this.state.phoneText}
            @input=${this.onPhoneInput}
            aria-invalid=${this.invalid('phone')}
            aria-describedby="${prefix ? 'phone-prefix ' : ''}phone-hint phone-error"
          />
        </div>
        <p class="hint" id="phone-hint">${msg('We send a code to this number by SMS.')}</p>
        ${this.fieldError('phone')}
      </div>
      ${this.submitButton(msg('Continue'))}
    </form>`;
  }

  // The listeners are arrow functions: Lit calls them with the element as `this`.
  private readonly onPhoneInput = (event: Event) => {
    const input = event.target as HTMLInputElement;
    const deleting = (event as InputEvent).inputType?.startsWith('delete');
    // Formatting while deleting would put back the characters just removed.
    const value =
      this.phone && !deleting
        ? this.phone.formatPhoneInput(input.value, this.state.selectedCountry)
        : input.value;
    this.state.phoneText = value;
    if (value !== input.value) input.value = value;
    if (this.state.fieldErrors.phone)
      this.state.fieldErrors = { ...this.state.fieldErrors, phone: '' };
  };

  private readonly submitProfile = async (event: Event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const legalName = (form.elements.namedItem('name') as HTMLInputElement).value.trim();
    const phoneText = (form.elements.namedItem('phone') as HTMLInputElement).value;
    const errors: Record<string, string> = {};
    if (!legalName) errors.name = msg('Enter your name as on your ID.');
    const phone = await loadPhone().catch(() => undefined);
    if (!phone) return this.phoneFailed();
    if (!phone.parseMobile(phoneText, this.state.selectedCountry)) {
      errors.phone = msg('Enter a valid mobile number for this country.');
    }
    if (Object.keys(errors).length > 0) return this.showFieldErrors(errors);
    await this.run(() =>
      this.client.account.setProfile({
        legalName,
        country: this.state.selectedCountry,
        phone: phoneText,
      }),
    );
  };

  /** Browsers keep a failed module import failed for the page's life: only a reload helps. */
  private phoneFailed() {
    this.state.error = msg(
      'Payment set-up could not be loaded. Check your connection, then reload.',
    );
  }

  private async showFieldErrors(errors: Record<string, string>) {
    this.state.fieldErrors = errors;
    await this.element.updateComplete;
    const first = Object.keys(errors)[0];
    this.element.renderRoot
      .querySelector<HTMLElement>(`[aria-describedby~="${first}-error"]`)
      ?.focus();
  }

  private get client() {
    return (this.session as NonNullable<typeof this.session>).client;
  }

  /** Runs one step's call; its account moves the flow on. */
  private async run(call: () => Promise<Account>) {
    if (this.state.busy) return;
    this.state.busy = true;
    this.state.error = '';
    try {
      const account = await call();
      this.session?.setAccount(account);
    } catch (error) {
      // A code the server refused is that field's error: said beside it, with the focus.
      if (error instanceof SettleApiError && CODE_ERRORS.has(error.code)) {
        await this.showFieldErrors({ code: errorText(error) });
        return;
      }
      this.state.error = errorText(error);
      await this.element.updateComplete;
      this.element.renderRoot.querySelector<HTMLElement>('[part="error"]')?.scrollIntoView?.({
        block: 'nearest',
      });
    } finally {
      this.state.busy = false;
    }
  }

  private renderCard() {
    const session = this.session as NonNullable<typeof this.session>;
    const src = cardFrameUrl(session.baseUrl, translationFor(this.locale));
    return html`<div part="step">
      ${this.heading(msg('Add your debit card'))}
      <p class="hint">
        ${msg('Your card details go straight to Settle in a secure frame: this site never sees them.')}
      </p>
      ${
        this.state.frameState === 'loading'
          ? html`<p aria-busy="true">
            <span class="spinner" aria-hidden="true"></span> ${msg('Loading the secure card form…')}
          </p>`
          : nothing
      }
      ${
        this.state.frameState === 'failed'
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
        class=${this.state.frameState === 'ready' ? '' : 'loading'}
        title=${msg('Card details')}
        src=${src}
      ></iframe>
      ${
        this.state.busy
          ? html`<p aria-busy="true">
            <span class="spinner" aria-hidden="true"></span> ${msg('Saving your card…')}
          </p>`
          : nothing
      }
    </div>`;
  }

  private async watchFrame() {
    if (this.state.frameState !== 'loading') this.state.frameState = 'loading';
    await this.element.updateComplete;
    const frame = this.find<HTMLIFrameElement>('iframe');
    const session = this.session;
    if (!frame || !session) return;
    clearTimeout(this.frameTimer);
    // A frame that never says it is ready was refused (origin not allowed) or unreachable.
    this.frameTimer = setTimeout(() => {
      if (this.state.frameState === 'loading') this.state.frameState = 'failed';
    }, 10_000);
    this.stopFrame = listenToCardFrame(frame, session.baseUrl, {
      ready: () => {
        clearTimeout(this.frameTimer);
        this.state.frameState = 'ready';
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
    if (this.state.busy) return;
    this.state.busy = true;
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
      this.state.busy = false;
    }
  }

  private readonly reloadFrame = async () => {
    this.stopFrame?.();
    const frame = this.find<HTMLIFrameElement>('iframe');
    if (frame) frame.src = `${frame.src}`;
    await this.watchFrame();
  };

  /** The scheme the element is drawn in, for the card frame to match. */
  private get scheme(): 'light' | 'dark' {
    const forced = this.element.theme ?? this.session?.theme;
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
    return html`<form part="step" @submit=${this.submitPin} novalidate aria-busy=${this.state.busy}>
      ${this.heading(msg('Choose a PIN'))}
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

  private readonly submitPin = async (event: Event) => {
    event.preventDefault();
    const pin = this.readPin(event.target as HTMLFormElement);
    if (pin) await this.run(() => this.client.account.setPin({ pin }));
  };

  private resendWait(): number {
    return Math.max(0, Math.ceil((this.state.resendAt - this.state.now) / 1000));
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
        ?disabled=${wait > 0 || this.state.busy}
        @click=${this.resend}
      >
        ${label}
      </button>
      ${wait > 0 ? html`<span class="hint">${msg(str`Available in ${wait} s`)}</span>` : nothing}`;
  }

  private renderVerification() {
    const phone = this.state.sentTo ?? this.account?.profile?.phone ?? '';
    return html`<form part="step" @submit=${this.submitCode} novalidate aria-busy=${this.state.busy}>
      ${this.heading(msg('Enter the SMS code'))}
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

  private readonly submitCode = async (event: Event) => {
    event.preventDefault();
    const code = this.readCode(event.target as HTMLFormElement);
    if (code) await this.run(() => this.client.account.verify({ code }));
  };

  private readonly resend = async () => {
    this.state.error = '';
    try {
      const sent = await this.client.account.sendVerification();
      this.state.sentTo = sent.phone;
      this.state.resendAt = Date.parse(sent.resendAvailableAt);
      this.state.unlockCodeSent = true;
      this.state.now = Date.now();
      this.announce(msg(str`A new code was sent to ${sent.phone}.`));
    } catch (error) {
      this.state.error = errorText(error);
      if (error instanceof RateLimitError && error.retryAfter) {
        this.state.resendAt = Date.now() + error.retryAfter * 1000;
      }
    }
  };

  private renderUnlock() {
    return html`<form part="step" @submit=${this.submitUnlock} novalidate aria-busy=${this.state.busy}>
      ${this.heading(msg('Unlock your account'))}
      <p>${msg('Your account is locked. Verify it is you with a code by SMS, then choose a new PIN.')}</p>
      ${
        this.state.unlockCodeSent
          ? html`<p class="hint">${msg(str`We sent a 6-digit code to ${this.state.sentTo ?? ''}.`)}</p>
            ${this.codeField()} ${this.pinFields(msg('New PIN'))}
            <p>${this.resendButton(msg('Send a new code'))}</p>
            ${this.submitButton(msg('Unlock'))}`
          : html`<p class="error" part="error" role="alert">${this.state.error}</p>
            <div class="actions">
              <button type="button" class="button primary" part="submit" @click=${this.resend}>
                ${msg('Send me a code')}
              </button>
            </div>`
      }
    </form>`;
  }

  private readonly submitUnlock = async (event: Event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const code = this.readCode(form);
    if (!code) return;
    const pin = this.readPin(form);
    if (pin) await this.run(() => this.client.account.unlock({ code, pin }));
  };

  private renderDone() {
    const card = this.account?.card;
    return html`<div part="step">
      ${this.heading(msg('Payments are set up'))}
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
