import { SettleAmount } from './amount.component.js';

if (!customElements.get('settle-amount')) customElements.define('settle-amount', SettleAmount);

declare global {
  interface HTMLElementTagNameMap {
    'settle-amount': SettleAmount;
  }
}
