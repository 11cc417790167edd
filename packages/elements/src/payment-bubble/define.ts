import { SettlePaymentBubble } from './payment-bubble.component.js';

if (!customElements.get('settle-payment-bubble')) {
  customElements.define('settle-payment-bubble', SettlePaymentBubble);
}

declare global {
  interface HTMLElementTagNameMap {
    'settle-payment-bubble': SettlePaymentBubble;
  }
}
