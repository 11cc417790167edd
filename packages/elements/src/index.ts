// The element classes and their types, without defining any tag: import a component's own
// entry (`@settle/elements/send-money-button`) or `settle-elements.js` to define them.
export { SettleAmount } from './amount/amount.component.js';
export { SettleEnrollment } from './enrollment/enrollment.component.js';
export type { SettleEventDetails } from './events.js';
export { SettleHistory } from './history/history.component.js';
export { SettlePaymentBubble } from './payment-bubble/payment-bubble.component.js';
export { type AuthorizedDetail, SettlePinPrompt } from './pin-prompt/pin-prompt.component.js';
export { SettleProvider } from './provider/provider.component.js';
export {
  type RequestOpenOptions,
  SettleRequestMoney,
} from './request-money/request-money.component.js';
export {
  type SendOpenOptions,
  SettleSendMoneyButton,
} from './send-money-button/send-money-button.component.js';
export { type SettleSession, settleContext } from './session/context.js';
export { SettleSuggestions } from './suggestions/suggestions.component.js';
