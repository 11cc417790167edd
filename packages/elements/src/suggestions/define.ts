import { SettleSuggestions } from './suggestions.component.js';

if (!customElements.get('settle-suggestions')) {
  customElements.define('settle-suggestions', SettleSuggestions);
}

declare global {
  interface HTMLElementTagNameMap {
    'settle-suggestions': SettleSuggestions;
  }
}
