// The one-file browser bundle: every element, defined on import, with Lit inside. For pages
// without a build step, it also carries the SDK client and loads the assistant on demand.
// The provider first: elements already in the page upgrade as they are defined and ask for
// its session at once, which only a defined provider answers.
import './provider/define.js';
import './amount/define.js';
import './enrollment/define.js';
import './history/define.js';
import './payment-bubble/define.js';
import './pin-prompt/define.js';
import './request-money/define.js';
import './send-money-button/define.js';
import './suggestions/define.js';

// The client and its error classes, so a page without a build can `instanceof` what it catches.
export {
  AuthenticationError,
  ConflictError,
  createSettle,
  IdempotencyError,
  InvalidRequestError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ServerError,
  SettleApiError,
  SettleConnectionError,
  SettleError,
  SettleTimeoutError,
} from '@settle/sdk';
export * from './index.js';

/**
 * The on-device assistant (`@settle/sdk/assistant`), loaded on demand: its money detector
 * is a chunk of its own, fetched only by pages that show suggestions.
 *
 * @example
 * const { createAssistant, moneyProvider, serverConsent } = await loadAssistant();
 */
export const loadAssistant = () => import('@settle/sdk/assistant');
