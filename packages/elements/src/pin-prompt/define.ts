import { SettlePinPrompt } from './pin-prompt.component.js';

if (!customElements.get('settle-pin-prompt'))
  customElements.define('settle-pin-prompt', SettlePinPrompt);

declare global {
  interface HTMLElementTagNameMap {
    'settle-pin-prompt': SettlePinPrompt;
  }
}
