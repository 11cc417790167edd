import { SettleEnrollment } from './enrollment.component.js';

if (!customElements.get('settle-enrollment')) {
  customElements.define('settle-enrollment', SettleEnrollment);
}

declare global {
  interface HTMLElementTagNameMap {
    'settle-enrollment': SettleEnrollment;
  }
}
