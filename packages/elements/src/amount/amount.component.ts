import { consume } from '@lit/context';
import { formatMoney } from '@settle/sdk';
import { html, LitElement } from 'lit';
import { property, state } from 'lit/decorators.js';
import { type SettleSession, settleContext } from '../session/context.js';
import { amountStyles } from './amount.styles.js';

/**
 * @summary An amount of money, formatted for the reader's language.
 *
 * @csspart amount - The formatted amount.
 * @cssproperty --settle-amount-color - Text colour of the amount.
 * @cssproperty --settle-amount-font-weight - Weight of the amount.
 */
export class SettleAmount extends LitElement {
  static override styles = amountStyles;

  /** Amount in integer minor units of `currency` (2050 is 20.50 EUR). */
  @property({ type: Number }) value = 0;

  /** ISO 4217 currency code. */
  @property() currency = 'EUR';

  /**
   * Locale to format in; defaults to the provider's language inside a `settle-provider`, else
   * the nearest `lang` attribute, then the browser's.
   */
  @property() locale?: string;

  // Inside a provider, its language, so the amount follows a change of it as the others do.
  @consume({ context: settleContext, subscribe: true })
  @state()
  private session?: SettleSession;

  private get resolvedLocale(): string | undefined {
    return (
      this.locale ??
      this.session?.locale ??
      (this.closest('[lang]')?.getAttribute('lang') || undefined)
    );
  }

  override render() {
    return html`<span part="amount"
      >${formatMoney({ value: this.value, currency: this.currency }, this.resolvedLocale)}</span
    >`;
  }
}
