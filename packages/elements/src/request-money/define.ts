// The provider first: an element asking for its session before `settle-provider` is defined
// would never get one, whatever order the page loads the entries in.
import '../provider/define.js';
import { SettleRequestMoney } from './request-money.component.js';

if (!customElements.get('settle-request-money')) {
  customElements.define('settle-request-money', SettleRequestMoney);
}

declare global {
  interface HTMLElementTagNameMap {
    'settle-request-money': SettleRequestMoney;
  }
}
