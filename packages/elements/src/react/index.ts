// React wrappers: properties, not attributes, and React-style event props
// (`onSettleTransfer`). React is the app's own: a peer dependency.
import { createComponent, type EventName } from '@lit/react';
import * as React from 'react';
import { SettleAmount } from '../amount/amount.component.js';
import '../amount/define.js';
import { SettleEnrollment } from '../enrollment/enrollment.component.js';
import '../enrollment/define.js';
import type { SettleEventDetails } from '../events.js';
import { SettleHistory } from '../history/history.component.js';
import '../history/define.js';
import { SettlePaymentBubble } from '../payment-bubble/payment-bubble.component.js';
import '../payment-bubble/define.js';
import { SettlePinPrompt } from '../pin-prompt/pin-prompt.component.js';
import '../pin-prompt/define.js';
import { SettleProvider } from '../provider/provider.component.js';
import '../provider/define.js';
import { SettleRequestMoney } from '../request-money/request-money.component.js';
import '../request-money/define.js';
import { SettleSendMoneyButton } from '../send-money-button/send-money-button.component.js';
import '../send-money-button/define.js';
import { SettleSuggestions } from '../suggestions/suggestions.component.js';
import '../suggestions/define.js';

/** A React event prop for the element event `name`, typed with its `detail`. */
const on = <K extends keyof SettleEventDetails>(name: K) =>
  name as EventName<CustomEvent<SettleEventDetails[K]>>;

export const Provider = createComponent({
  react: React,
  tagName: 'settle-provider',
  elementClass: SettleProvider,
  events: {
    onSettleAccount: on('settle-account'),
    onSettleError: on('settle-error'),
  },
});

export const SendMoneyButton = createComponent({
  react: React,
  tagName: 'settle-send-money-button',
  elementClass: SettleSendMoneyButton,
  events: {
    onSettleTransfer: on('settle-transfer'),
    onSettleEnrollmentRequired: on('settle-enrollment-required'),
  },
});

export const RequestMoney = createComponent({
  react: React,
  tagName: 'settle-request-money',
  elementClass: SettleRequestMoney,
  events: {
    onSettleRequest: on('settle-request'),
    onSettleEnrollmentRequired: on('settle-enrollment-required'),
  },
});

export const PaymentBubble = createComponent({
  react: React,
  tagName: 'settle-payment-bubble',
  elementClass: SettlePaymentBubble,
  events: {
    onSettleTransfer: on('settle-transfer'),
    onSettleChange: on('settle-change'),
  },
});

export const Enrollment = createComponent({
  react: React,
  tagName: 'settle-enrollment',
  elementClass: SettleEnrollment,
  events: {
    onSettleEnrollmentStep: on('settle-enrollment-step'),
    onSettleEnrolled: on('settle-enrolled'),
    onSettleCardError: on('settle-card-error'),
  },
});

export const PinPrompt = createComponent({
  react: React,
  tagName: 'settle-pin-prompt',
  elementClass: SettlePinPrompt,
  events: {
    onSettleAuthorized: on('settle-authorized'),
    onSettleCancel: on('settle-cancel'),
    onSettleLocked: on('settle-locked'),
  },
});

export const Suggestions = createComponent({
  react: React,
  tagName: 'settle-suggestions',
  elementClass: SettleSuggestions,
  events: { onSettleSuggestion: on('settle-suggestion') },
});

export const History = createComponent({
  react: React,
  tagName: 'settle-history',
  elementClass: SettleHistory,
  events: { onSettleSelect: on('settle-select') },
});

export const Amount = createComponent({
  react: React,
  tagName: 'settle-amount',
  elementClass: SettleAmount,
});
