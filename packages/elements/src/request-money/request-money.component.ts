import { msg, str } from '@lit/localize';
import type { Money, MoneyRequestCreateParams, MoneyRequestGroup } from '@settle/sdk';
import { css, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { showDialog } from '../shared/dialog.js';
import { errorText } from '../shared/error-text.js';
import { amountInputValue, currencySymbol, readAmount } from '../shared/money-input.js';
import { SettleElement } from '../shared/settle-element.js';
import { controlStyles, dialogStyles, themeStyles } from '../shared/styles.js';

type Mode = 'each' | 'split';

/** Options of `open()`: a prefilled amount (minor units) and note. */
export interface RequestOpenOptions {
  // `| undefined`: a suggestion's `amount?.value` passes as is, with exactOptionalPropertyTypes too.
  /** In minor units. */
  amount?: number | undefined;
  note?: string | undefined;
}

/**
 * @summary A "Request money" button: asks one person for an amount, or a group, with an
 * amount per person or a total split evenly, with or without yourself.
 *
 * @slot label - The button's label; "Request money" by default.
 * @fires settle-request - Requests were made: `detail` is `{ groupId, requests }`.
 * @fires settle-enrollment-required - The user has to finish enrollment first.
 * @csspart button - The button that opens the dialog.
 * @csspart dialog - The dialog.
 * @csspart people - The choice of who pays, in a group.
 * @csspart mode - The choice between an amount per person and a split total.
 * @csspart amount - The amount field.
 * @csspart note - The note field.
 * @csspart summary - What each person will be asked.
 * @csspart submit - The request button in the dialog.
 * @csspart error - The error message.
 */
export class SettleRequestMoney extends SettleElement {
  static override styles = [
    themeStyles,
    controlStyles,
    dialogStyles,
    css`
      :host {
        display: inline-block;
      }
      .choice {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        min-height: 2rem;
      }
      .choice input {
        width: 1.2rem;
        height: 1.2rem;
        margin: 0;
      }
      .summary {
        margin: 0 0 0.5rem;
        color: var(--_muted);
      }
    `,
  ];

  /** Ask one person (their user id). */
  @property({ attribute: 'payer-id' }) payerId?: string;

  /** The other members of a group conversation (user ids); you are left out if listed. */
  @property({ attribute: false }) participants: string[] = [];

  /** The conversation the request belongs to. */
  @property({ attribute: 'conversation-id' }) conversationId?: string;

  /** ISO 4217 currency; by default the user's account currency. */
  @property() currency?: string;

  @state() private mode: Mode = 'each';
  @state() private includeSelf = true;
  @state() private chosen = new Set<string>();
  @state() private amountText = '';
  @state() private note = '';
  @state() private busy = false;
  @state() private error = '';
  @state() private amountError = '';
  @state() private peopleError = '';
  @state() private setup = false;

  @query('dialog') private dialog!: HTMLDialogElement;
  @query('[part="button"]') private button!: HTMLButtonElement;

  private key?: { body: string; value: string };

  private get resolvedCurrency() {
    return this.currency ?? this.session?.account?.currency ?? 'EUR';
  }

  /** The people who can be asked, without the user. */
  private get others(): string[] {
    const me = this.session?.account?.userId;
    const list = this.payerId ? [this.payerId] : this.participants;
    return [...new Set(list)].filter((id) => id && id !== me);
  }

  private get group() {
    return !this.payerId && this.others.length > 1;
  }

  /** Opens the dialog, optionally prefilled. */
  async open(options: RequestOpenOptions = {}) {
    const account = this.session?.account;
    this.setup = Boolean(account && account.nextStep !== null);
    this.chosen = new Set(this.others);
    this.error = '';
    this.amountError = '';
    this.peopleError = '';
    this.amountText =
      options.amount !== undefined
        ? amountInputValue(options.amount, this.resolvedCurrency, this.locale)
        : '';
    this.note = options.note ?? '';
    await this.updateComplete;
    showDialog(this.dialog, () => this.button);
  }

  close() {
    this.dialog?.close();
  }

  override render() {
    // Enabled once the account is known, or failed to load (the dialog then says why).
    const ready =
      Boolean(this.session?.account || this.session?.accountError) && this.others.length > 0;
    const single = this.others.length === 1 ? this.name(this.others[0] as string) : '';
    return html`<button
        type="button"
        class="button"
        part="button"
        aria-haspopup="dialog"
        ?disabled=${!ready}
        @click=${() => this.open()}
      >
        <slot name="label">${msg('Request money')}</slot>
      </button>
      <dialog part="dialog" aria-labelledby="title" @cancel=${(e: Event) => this.busy && e.preventDefault()}>
        <h2 id="title">
          ${this.group ? msg('Request money from the group') : msg(str`Request money from ${single}`)}
        </h2>
        ${
          !this.session?.account
            ? html`<p class="error" part="error" role="alert">
                ${errorText(this.session?.accountError)}
              </p>
              <div class="actions">
                <button type="button" class="button" @click=${this.close}>${msg('Cancel')}</button>
                <button
                  type="button"
                  class="button primary"
                  @click=${() => this.session?.reloadAccount()}
                >
                  ${msg('Try again')}
                </button>
              </div>`
            : this.setup
              ? this.renderSetup()
              : this.renderForm()
        }
      </dialog>
      ${this.liveRegion()}`;
  }

  private renderSetup() {
    return html`<p>${msg('Set up payments once before you request money.')}</p>
      <div class="actions">
        <button type="button" class="button" @click=${this.close}>${msg('Not now')}</button>
        <button
          type="button"
          class="button primary"
          @click=${() => {
            this.close();
            this.emit('settle-enrollment-required', {});
          }}
        >
          ${msg('Set up payments')}
        </button>
      </div>`;
  }

  private renderGroupChoices() {
    return html`<fieldset part="people" aria-describedby="people-error">
        <legend>${msg('Who pays?')}</legend>
        ${this.others.map(
          (id) => html`<label class="choice">
            <input
              type="checkbox"
              .checked=${this.chosen.has(id)}
              @change=${(e: Event) => {
                const chosen = new Set(this.chosen);
                if ((e.target as HTMLInputElement).checked) chosen.add(id);
                else chosen.delete(id);
                this.chosen = chosen;
                this.peopleError = '';
              }}
            />
            ${this.name(id)}
          </label>`,
        )}
        <p class="error" id="people-error" role="alert">${this.peopleError}</p>
      </fieldset>
      <fieldset part="mode">
        <legend>${msg('How much?')}</legend>
        <label class="choice">
          <input
            type="radio"
            name="mode"
            value="each"
            .checked=${this.mode === 'each'}
            @change=${() => {
              this.mode = 'each';
            }}
          />
          ${msg('The same amount from each person')}
        </label>
        <label class="choice">
          <input
            type="radio"
            name="mode"
            value="split"
            .checked=${this.mode === 'split'}
            @change=${() => {
              this.mode = 'split';
            }}
          />
          ${msg('Split a total evenly')}
        </label>
        ${
          this.mode === 'split'
            ? html`<label class="choice">
              <input
                type="checkbox"
                .checked=${this.includeSelf}
                @change=${(e: Event) => {
                  this.includeSelf = (e.target as HTMLInputElement).checked;
                }}
              />
              ${msg('Include me in the split')}
            </label>`
            : nothing
        }
      </fieldset>`;
  }

  /** What each person will be asked, as the server splits it (remainders go to some). */
  private summary(amount: Money | null): string {
    if (!amount || !this.group || this.chosen.size === 0) return '';
    const people = this.chosen.size;
    if (this.mode === 'each') {
      return msg(str`${this.money({ ...amount, value: amount.value * people })} in all.`);
    }
    const shares = people + (this.includeSelf ? 1 : 0);
    const each = this.money({ ...amount, value: Math.floor(amount.value / shares) });
    return amount.value % shares === 0
      ? msg(str`Each person pays ${each}.`)
      : msg(str`Each person pays about ${each}.`);
  }

  private renderForm() {
    const symbol = currencySymbol(this.resolvedCurrency, this.locale);
    const label =
      this.group && this.mode === 'split'
        ? msg(str`Total (${symbol})`)
        : this.group
          ? msg(str`Amount per person (${symbol})`)
          : msg(str`Amount (${symbol})`);
    const summary = this.summary(readAmount(this.amountText, this.resolvedCurrency, this.locale));
    return html`<form @submit=${this.submit} novalidate aria-busy=${this.busy}>
      ${this.group ? this.renderGroupChoices() : nothing}
      <div class="field">
        <label for="amount">${label}</label>
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
          aria-describedby="amount-error summary"
        />
        <p class="error" id="amount-error" role="alert">${this.amountError}</p>
      </div>
      <p class="summary" part="summary" id="summary">${summary}</p>
      <div class="field">
        <label for="note">${msg('What is it for? (optional)')}</label>
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
          ${msg('Request')}
        </button>
      </div>
    </form>`;
  }

  private async submit(event: Event) {
    event.preventDefault();
    if (this.busy) return;
    const client = this.session?.client;
    if (!client) return;
    const amount = readAmount(this.amountText, this.resolvedCurrency, this.locale);
    if (!amount) {
      this.amountError = msg('Enter an amount, like 12.50.');
      this.renderRoot.querySelector<HTMLInputElement>('#amount')?.focus();
      return;
    }
    const payers = this.group ? this.others.filter((id) => this.chosen.has(id)) : this.others;
    if (payers.length === 0) {
      // Said on the choice of people, with the focus on its first box.
      this.peopleError = msg('Choose at least one person.');
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('[part="people"] input')?.focus();
      return;
    }
    const note = this.note.trim();
    const common = {
      ...(this.conversationId ? { conversationId: this.conversationId } : {}),
      ...(note ? { note } : {}),
    };
    const params: MoneyRequestCreateParams =
      this.group && this.mode === 'split'
        ? { ...common, split: { total: amount, among: payers, includeSelf: this.includeSelf } }
        : { ...common, payers: payers.map((userId) => ({ userId, amount })) };
    // Pressing Request again after a lost answer asks once, not twice.
    const body = JSON.stringify(params);
    if (this.key?.body !== body) this.key = { body, value: crypto.randomUUID() };
    this.busy = true;
    this.error = '';
    try {
      const group: MoneyRequestGroup = await client.requests.create(params, {
        idempotencyKey: this.key.value,
      });
      this.key = undefined;
      this.close();
      this.amountText = '';
      this.note = '';
      this.announce(
        group.data.length === 1
          ? msg(
              str`You asked ${this.name(payers[0] as string)} for ${this.money((group.data[0] as { amount: Money }).amount)}.`,
            )
          : msg(str`You asked ${group.data.length} people for money.`),
      );
      this.emit('settle-request', { groupId: group.groupId, requests: group.data });
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.busy = false;
    }
  }
}
