// The provider first: an element asking for its session before `settle-provider` is defined
// would never get one, whatever order the page loads the entries in.
import '../provider/define.js';
import { SettlePaymentBubble } from './payment-bubble.component.js';

if (!customElements.get('settle-payment-bubble')) {
  customElements.define('settle-payment-bubble', SettlePaymentBubble);
}

declare global {
  interface HTMLElementTagNameMap {
    'settle-payment-bubble': SettlePaymentBubble;
  }
}
