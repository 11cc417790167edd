// The provider first: an element asking for its session before `settle-provider` is defined
// would never get one, whatever order the page loads the entries in.
import '../provider/define.js';
import { SettlePinPrompt } from './pin-prompt.component.js';

if (!customElements.get('settle-pin-prompt'))
  customElements.define('settle-pin-prompt', SettlePinPrompt);

declare global {
  interface HTMLElementTagNameMap {
    'settle-pin-prompt': SettlePinPrompt;
  }
}
