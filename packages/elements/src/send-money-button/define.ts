// The provider first: an element asking for its session before `settle-provider` is defined
// would never get one, whatever order the page loads the entries in.
import '../provider/define.js';
import { SettleSendMoneyButton } from './send-money-button.component.js';

if (!customElements.get('settle-send-money-button'))
  customElements.define('settle-send-money-button', SettleSendMoneyButton);

declare global {
  interface HTMLElementTagNameMap {
    'settle-send-money-button': SettleSendMoneyButton;
  }
}
