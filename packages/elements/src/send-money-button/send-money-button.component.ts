import { msg, str } from '@lit/localize';
import { AuthenticationError, type Money, SettleApiError, type Transfer } from '@settle/sdk';
import { css, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { AuthorizedDetail, SettlePinPrompt } from '../pin-prompt/pin-prompt.component.js';
import '../pin-prompt/define.js';
import { showDialog } from '../shared/dialog.js';
import { errorText, failureText } from '../shared/error-text.js';
import { amountInputValue, currencySymbol, readAmount } from '../shared/money-input.js';
import { SettleElement } from '../shared/settle-element.js';
import { controlStyles, dialogStyles, themeStyles } from '../shared/styles.js';

type Step = 'form' | 'pin' | 'setup' | 'unavailable';

/** Options of `open()`: a prefilled amount (minor units) and note. */
export interface SendOpenOptions {
  // `| undefined`: a suggestion's `amount?.value` passes as is, with exactOptionalPropertyTypes too.
  /** In minor units. */
  amount?: number | undefined;
  note?: string | undefined;
}

/**
 * @summary A "Send money" button: asks for the amount and an optional note, then for the PIN
 * when strong customer authentication applies, and sends.
 *
 * @slot label - The button's label (e.g. `<span slot="label">Pay</span>`); "Send money" by default.
 * @fires settle-transfer - Money was sent: `detail.transfer` (status `pending`, `completed` or
 * `awaiting_recipient`).
 * @fires settle-enrollment-required - The user has to finish enrollment before sending.
 * @csspart button - The button that opens the dialog.
 * @csspart dialog - The dialog.
 * @csspart amount - The amount field.
 * @csspart note - The note field.
 * @csspart submit - The send button in the dialog.
 * @csspart error - The error message.
 * @csspart pin-prompt - The PIN prompt (a `settle-pin-prompt`).
 */
export class SettleSendMoneyButton extends SettleElement {
  static override styles = [
    themeStyles,
    controlStyles,
    dialogStyles,
    css`
      :host {
        display: inline-block;
      }
      .amount-field input {
        font-size: 1.5rem;
        font-weight: 700;
      }
    `,
  ];

  /** Who gets the money (their user id in your chat app). */
  @property({ attribute: 'recipient-id' }) recipientId = '';

  /** How to name them; by default the provider's `displayName`. */
  @property({ attribute: 'recipient-name' }) recipientName?: string;

  /** The conversation the payment belongs to, so its bubble and history find it. */
  @property({ attribute: 'conversation-id' }) conversationId?: string;

  /** ISO 4217 currency; by default the user's account currency. */
  @property() currency?: string;

  @state() private step: Step = 'form';
  @state() private busy = false;
  @state() private error = '';
  @state() private amountError = '';
  @state() private amountText = '';
  @state() private note = '';
  /** The payment waiting for the PIN. */
  @state() private confirming?: Money;

  @query('dialog') private dialog!: HTMLDialogElement;
  @query('[part="button"]') private button!: HTMLButtonElement;
  @query('settle-pin-prompt') private pinPrompt?: SettlePinPrompt;

  /** One key per payment the user confirms: pressing Send again never pays twice. */
  private keys = new Map<string, string>();

  private get resolvedCurrency() {
    return this.currency ?? this.session?.account?.currency ?? 'EUR';
  }

  private get recipient() {
    return this.recipientName ?? this.name(this.recipientId);
  }

  /** Opens the dialog, optionally prefilled (e.g. from an assistant suggestion). */
  async open(options: SendOpenOptions = {}) {
    const account = this.session?.account;
    this.step = !account ? 'unavailable' : account.nextStep !== null ? 'setup' : 'form';
    this.error = '';
    this.amountError = '';
    this.amountText =
      options.amount !== undefined
        ? amountInputValue(options.amount, this.resolvedCurrency, this.locale)
        : '';
    this.note = options.note ?? '';
    await this.updateComplete;
    showDialog(this.dialog, () => this.button);
  }

  /** Closes the dialog. */
  close() {
    this.dialog?.close();
  }

  override render() {
    // Enabled once the account is known, or failed to load (the dialog then says why).
    const ready =
      Boolean(this.session?.account || this.session?.accountError) && Boolean(this.recipientId);
    return html`<button
        type="button"
        class="button primary"
        part="button"
        aria-haspopup="dialog"
        ?disabled=${!ready}
        @click=${() => this.open()}
      >
        ${
          this.session && !this.session.account && !this.session.accountError
            ? html`<span class="spinner" aria-hidden="true"></span>`
            : nothing
        }
        <slot name="label">${msg('Send money')}</slot>
      </button>
      <dialog part="dialog" aria-labelledby="title" @cancel=${this.onCancel}>
        <h2 id="title">${msg(str`Send money to ${this.recipient}`)}</h2>
        ${
          this.step === 'unavailable'
            ? this.renderUnavailable()
            : this.step === 'setup'
              ? this.renderSetup()
              : this.step === 'pin'
                ? this.renderPin()
                : this.renderForm()
        }
      </dialog>
      ${this.liveRegion()}`;
  }

  private renderUnavailable() {
    return html`<p class="error" part="error" role="alert">
        ${errorText(this.session?.accountError)}
      </p>
      <div class="actions">
        <button type="button" class="button" @click=${this.close}>${msg('Cancel')}</button>
        <button type="button" class="button primary" @click=${this.retryAccount}>
          ${msg('Try again')}
        </button>
      </div>`;
  }

  private async retryAccount() {
    await this.session?.reloadAccount();
    await this.updateComplete;
    if (this.session?.account) {
      this.close();
      await this.open();
    }
  }

  private renderSetup() {
    return html`<p>${msg('Set up payments once before you send money.')}</p>
      <div class="actions">
        <button type="button" class="button" @click=${this.close}>${msg('Not now')}</button>
        <button type="button" class="button primary" @click=${this.requireEnrollment}>
          ${msg('Set up payments')}
        </button>
      </div>`;
  }

  private renderForm() {
    const symbol = currencySymbol(this.resolvedCurrency, this.locale);
    return html`<form @submit=${this.submit} novalidate aria-busy=${this.busy}>
      <div class="field amount-field">
        <label for="amount">${msg(str`Amount (${symbol})`)}</label>
        <input
          id="amount"
          part="amount"
          inputmode="decimal"
          autocomplete="off"
          required
          autofocus
          .value=${this.amountText}
          @input=${(e: Event) => {
            this.amountText = (e.target as HTMLInputElement).value;
            this.amountError = '';
          }}
          aria-invalid=${this.amountError ? 'true' : 'false'}
          aria-describedby="amount-error"
        />
        <p class="error" id="amount-error" role="alert">${this.amountError}</p>
      </div>
      <div class="field">
        <label for="note">${msg('Note (optional)')}</label>
        <input
          id="note"
          part="note"
          maxlength="140"
          autocomplete="off"
          .value=${this.note}
          @input=${(e: Event) => {
            this.note = (e.target as HTMLInputElement).value;
          }}
        />
      </div>
      <p class="error" part="error" role="alert">${this.error}</p>
      <div class="actions">
        <button type="button" class="button" @click=${this.close}>${msg('Cancel')}</button>
        <button type="submit" class="button primary" part="submit" aria-disabled=${this.busy ? 'true' : 'false'}>
          ${this.busy ? html`<span class="spinner" aria-hidden="true"></span>` : nothing}
          ${this.busy ? msg('Sending…') : msg('Send')}
        </button>
      </div>
    </form>`;
  }

  private renderPin() {
    const amount = this.confirming as Money;
    return html`<settle-pin-prompt
        part="pin-prompt"
        amount=${amount.value}
        currency=${amount.currency}
        payee-id=${this.recipientId}
        payee-name=${this.recipient}
        @settle-authorized=${this.onAuthorized}
        @settle-cancel=${this.backToForm}
        @settle-locked=${() => {
          this.step = 'form';
          this.error = msg(
            'Too many wrong PINs: your account is locked. Verify by SMS to unlock it.',
          );
        }}
      ></settle-pin-prompt>
      <p class="error" part="error" role="alert">${this.error}</p>`;
  }

  private onCancel(event: Event) {
    // Closing mid-payment would hide its outcome: wait for it.
    if (this.busy) event.preventDefault();
  }

  private requireEnrollment() {
    this.close();
    this.emit('settle-enrollment-required', {});
  }

  private async backToForm() {
    this.step = 'form';
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('#amount')?.focus();
  }

  private async submit(event: Event) {
    event.preventDefault();
    if (this.busy) return;
    const amount = readAmount(this.amountText, this.resolvedCurrency, this.locale);
    if (!amount) {
      this.amountError = msg('Enter an amount, like 12.50.');
      this.renderRoot.querySelector<HTMLInputElement>('#amount')?.focus();
      return;
    }
    await this.send(amount);
  }

  private async onAuthorized(event: CustomEvent<AuthorizedDetail>) {
    await this.send(this.confirming as Money, event.detail.authorization);
  }

  private async send(amount: Money, authorization?: string) {
    const client = this.session?.client;
    if (!client) return;
    const note = this.note.trim();
    const params = {
      recipientId: this.recipientId,
      amount,
      ...(note ? { note } : {}),
      ...(this.conversationId ? { conversationId: this.conversationId } : {}),
      ...(authorization ? { authorization } : {}),
    };
    const id = JSON.stringify({ ...params, authorization: Boolean(authorization) });
    const idempotencyKey = this.keys.get(id) ?? crypto.randomUUID();
    this.keys.set(id, idempotencyKey);
    this.busy = true;
    this.error = '';
    try {
      const transfer = await client.transfers.create(params, { idempotencyKey });
      this.keys.clear();
      this.done(transfer);
    } catch (error) {
      if (error instanceof AuthenticationError && error.code === 'authentication_required') {
        // Strong customer authentication: the PIN, bound to this amount and payee.
        this.keys.delete(id);
        this.confirming = amount;
        this.step = 'pin';
        await this.updateComplete;
        this.pinPrompt?.reset();
        this.pinPrompt?.focus();
        return;
      }
      if (error instanceof SettleApiError && error.code === 'authentication_failed') {
        this.keys.delete(id);
      }
      this.error = errorText(error);
      if (this.step === 'pin') this.step = 'form';
    } finally {
      this.busy = false;
    }
  }

  private done(transfer: Transfer) {
    if (transfer.status === 'failed') {
      // The card network said no: say why and let the user try again (a new payment). No
      // event: there is nothing to post in the conversation.
      this.step = 'form';
      this.error = failureText(transfer.failureReason);
      return;
    }
    this.emit('settle-transfer', { transfer });
    this.close();
    this.step = 'form';
    this.amountText = '';
    this.note = '';
    this.announce(msg(str`You sent ${this.money(transfer.amount)} to ${this.recipient}.`));
  }
}
