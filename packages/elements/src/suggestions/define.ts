// The provider first: an element asking for its session before `settle-provider` is defined
// would never get one, whatever order the page loads the entries in.
import '../provider/define.js';
import { SettleSuggestions } from './suggestions.component.js';

if (!customElements.get('settle-suggestions')) {
  customElements.define('settle-suggestions', SettleSuggestions);
}

declare global {
  interface HTMLElementTagNameMap {
    'settle-suggestions': SettleSuggestions;
  }
}
