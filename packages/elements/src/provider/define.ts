import { SettleProvider } from './provider.component.js';

if (!customElements.get('settle-provider'))
  customElements.define('settle-provider', SettleProvider);

declare global {
  interface HTMLElementTagNameMap {
    'settle-provider': SettleProvider;
  }
}
