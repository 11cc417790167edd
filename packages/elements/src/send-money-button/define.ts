import { SettleSendMoneyButton } from './send-money-button.component.js';

if (!customElements.get('settle-send-money-button'))
  customElements.define('settle-send-money-button', SettleSendMoneyButton);

declare global {
  interface HTMLElementTagNameMap {
    'settle-send-money-button': SettleSendMoneyButton;
  }
}
