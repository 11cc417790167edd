import { SettleHistory } from './history.component.js';

if (!customElements.get('settle-history')) customElements.define('settle-history', SettleHistory);

declare global {
  interface HTMLElementTagNameMap {
    'settle-history': SettleHistory;
  }
}
