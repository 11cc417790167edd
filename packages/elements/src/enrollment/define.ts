// The provider first: an element asking for its session before `settle-provider` is defined
// would never get one, whatever order the page loads the entries in.
import '../provider/define.js';
import { SettleEnrollment } from './enrollment.component.js';

if (!customElements.get('settle-enrollment')) {
  customElements.define('settle-enrollment', SettleEnrollment);
}

declare global {
  interface HTMLElementTagNameMap {
    'settle-enrollment': SettleEnrollment;
  }
}
