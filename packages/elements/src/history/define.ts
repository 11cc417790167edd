// The provider first: an element asking for its session before `settle-provider` is defined
// would never get one, whatever order the page loads the entries in.
import '../provider/define.js';
import { SettleHistory } from './history.component.js';

if (!customElements.get('settle-history')) customElements.define('settle-history', SettleHistory);

declare global {
  interface HTMLElementTagNameMap {
    'settle-history': SettleHistory;
  }
}
