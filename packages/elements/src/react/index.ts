// React wrappers: properties, not attributes, and React-style event props
// (`onSettleTransfer`). React is the app's own: a peer dependency.
import { createComponent, type EventName } from '@lit/react';
import type { MoneyRequest, Transfer } from '@settle/sdk';
import type { Suggestion } from '@settle/sdk/assistant';
import * as React from 'react';
import { SettleAmount } from '../amount/amount.component.js';
import '../amount/define.js';
import { SettleEnrollment } from '../enrollment/enrollment.component.js';
import '../enrollment/define.js';
import { SettleHistory } from '../history/history.component.js';
import '../history/define.js';
import { SettlePaymentBubble } from '../payment-bubble/payment-bubble.component.js';
import '../payment-bubble/define.js';
import type { AuthorizedDetail } from '../pin-prompt/pin-prompt.component.js';
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

type Detail<T> = EventName<CustomEvent<T>>;

export const Provider = createComponent({
  react: React,
  tagName: 'settle-provider',
  elementClass: SettleProvider,
  events: {
    onSettleAccount: 'settle-account' as Detail<{ account: unknown }>,
    onSettleError: 'settle-error' as Detail<{ error: unknown }>,
  },
});

export const SendMoneyButton = createComponent({
  react: React,
  tagName: 'settle-send-money-button',
  elementClass: SettleSendMoneyButton,
  events: {
    onSettleTransfer: 'settle-transfer' as Detail<{ transfer: Transfer }>,
    onSettleEnrollmentRequired: 'settle-enrollment-required' as Detail<object>,
  },
});

export const RequestMoney = createComponent({
  react: React,
  tagName: 'settle-request-money',
  elementClass: SettleRequestMoney,
  events: {
    onSettleRequest: 'settle-request' as Detail<{ groupId: string; requests: MoneyRequest[] }>,
    onSettleEnrollmentRequired: 'settle-enrollment-required' as Detail<object>,
  },
});

export const PaymentBubble = createComponent({
  react: React,
  tagName: 'settle-payment-bubble',
  elementClass: SettlePaymentBubble,
  events: {
    onSettleTransfer: 'settle-transfer' as Detail<{ transfer: Transfer }>,
    onSettleChange: 'settle-change' as Detail<{ transfer?: Transfer; requests?: MoneyRequest[] }>,
  },
});

export const Enrollment = createComponent({
  react: React,
  tagName: 'settle-enrollment',
  elementClass: SettleEnrollment,
  events: {
    onSettleEnrollmentStep: 'settle-enrollment-step' as Detail<{ step: string }>,
    onSettleEnrolled: 'settle-enrolled' as Detail<{ account: unknown }>,
    onSettleCardError: 'settle-card-error' as Detail<{ code: string }>,
  },
});

export const PinPrompt = createComponent({
  react: React,
  tagName: 'settle-pin-prompt',
  elementClass: SettlePinPrompt,
  events: {
    onSettleAuthorized: 'settle-authorized' as Detail<AuthorizedDetail>,
    onSettleCancel: 'settle-cancel' as Detail<object>,
    onSettleLocked: 'settle-locked' as Detail<object>,
  },
});

export const Suggestions = createComponent({
  react: React,
  tagName: 'settle-suggestions',
  elementClass: SettleSuggestions,
  events: { onSettleSuggestion: 'settle-suggestion' as Detail<{ suggestion: Suggestion }> },
});

export const History = createComponent({
  react: React,
  tagName: 'settle-history',
  elementClass: SettleHistory,
  events: { onSettleSelect: 'settle-select' as Detail<{ transfer: Transfer }> },
});

export const Amount = createComponent({
  react: React,
  tagName: 'settle-amount',
  elementClass: SettleAmount,
});
