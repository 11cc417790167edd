import { SettleRequestMoney } from './request-money.component.js';

if (!customElements.get('settle-request-money')) {
  customElements.define('settle-request-money', SettleRequestMoney);
}

declare global {
  interface HTMLElementTagNameMap {
    'settle-request-money': SettleRequestMoney;
  }
}
