import { msg, str } from '@lit/localize';
import { SettleApiError } from '@settle/sdk';
import { css, html } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { errorText } from '../shared/error-text.js';
import { SettleElement } from '../shared/settle-element.js';
import { controlStyles, themeStyles } from '../shared/styles.js';

/** What `settle-authorized` carries: pass `authorization` with the transfer it was made for. */
export interface AuthorizedDetail {
  authorization: string;
  expiresAt: string;
}

/**
 * @summary Asks for the PIN to confirm one payment (strong customer authentication). It shows
 * the amount and the payee the authorization is bound to (dynamic linking), turns the PIN into
 * an authorization, and never lets the PIN out.
 *
 * @fires settle-authorized - The PIN was right: `detail` is `{ authorization, expiresAt }`.
 * @fires settle-cancel - The user gave up.
 * @fires settle-locked - Too many wrong PINs locked the account.
 * @csspart summary - The amount and payee being confirmed.
 * @csspart input - The PIN field.
 * @csspart confirm - The confirm button.
 * @csspart cancel - The cancel button.
 * @csspart error - The error message.
 */
export class SettlePinPrompt extends SettleElement {
  static override shadowRootOptions = { ...SettleElement.shadowRootOptions, delegatesFocus: true };

  static override styles = [
    themeStyles,
    controlStyles,
    css`
      :host {
        display: block;
        background: var(--_surface);
      }
      .summary {
        margin: 0 0 1rem;
      }
      .amount {
        display: block;
        font-size: 1.6rem;
        font-weight: 700;
      }
      input {
        letter-spacing: 0.4em;
        font-size: 1.25rem;
      }
    `,
  ];

  /** Amount to confirm, in integer minor units. */
  @property({ type: Number }) amount = 0;

  /** ISO 4217 currency of `amount`. */
  @property() currency = 'EUR';

  /** The user id of who gets the money. */
  @property({ attribute: 'payee-id' }) payeeId = '';

  /** How to name the payee; by default the provider's `displayName`. */
  @property({ attribute: 'payee-name' }) payeeName?: string;

  @state() private busy = false;
  @state() private error = '';
  @query('input') private input!: HTMLInputElement;

  override render() {
    const amount = this.money({ value: this.amount, currency: this.currency });
    const payee = this.payeeName ?? this.name(this.payeeId);
    return html`<form @submit=${this.submit} novalidate aria-busy=${this.busy}>
      <p class="summary" part="summary" id="summary">
        <span class="amount">${amount}</span>
        ${msg(str`to ${payee}`)}
      </p>
      <div class="field">
        <label for="pin">${msg('Your Settle PIN')}</label>
        <input
          id="pin"
          part="input"
          type="password"
          inputmode="numeric"
          autocomplete="off"
          maxlength="6"
          required
          aria-describedby="summary pin-error"
          aria-invalid=${this.error ? 'true' : 'false'}
          ?readonly=${this.busy}
        />
        <p class="error" id="pin-error" part="error" role="alert">${this.error}</p>
      </div>
      <div class="actions">
        <button type="button" class="button" part="cancel" @click=${this.cancel}>
          ${msg('Cancel')}
        </button>
        <button type="submit" class="button primary" part="confirm" aria-disabled=${this.busy ? 'true' : 'false'}>
          ${this.busy ? html`<span class="spinner" aria-hidden="true"></span>` : ''}
          ${msg(str`Confirm ${amount}`)}
        </button>
      </div>
    </form>`;
  }

  /** Clears the field and any error, as when the prompt is shown anew. */
  reset() {
    this.error = '';
    if (this.input) this.input.value = '';
  }

  private cancel() {
    this.reset();
    this.emit('settle-cancel', {});
  }

  private async submit(event: Event) {
    event.preventDefault();
    if (this.busy) return;
    const pin = this.input.value;
    // Cleared at once: the PIN stays in the DOM no longer than needed.
    this.input.value = '';
    if (!/^\d{4,6}$/.test(pin)) {
      this.error = msg('Enter your PIN: 4 to 6 digits.');
      this.input.focus();
      return;
    }
    const client = this.session?.client;
    if (!client) return;
    this.busy = true;
    this.error = '';
    try {
      const result = await client.authorizations.create({
        pin,
        amount: { value: this.amount, currency: this.currency },
        payeeId: this.payeeId,
      });
      this.emit('settle-authorized', result);
    } catch (error) {
      this.error = errorText(error);
      if (error instanceof SettleApiError && error.code === 'account_locked') {
        this.emit('settle-locked', {});
        void this.session?.reloadAccount();
      }
    } finally {
      this.busy = false;
    }
    if (this.error) {
      await this.updateComplete;
      this.input.focus();
    }
  }
}
