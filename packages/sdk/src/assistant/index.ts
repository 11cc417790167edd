export { type Assistant, type AssistantOptions, createAssistant } from './assistant.js';
export {
  detectMoneyIntent,
  type MoneyIntent,
  type MoneyIntentAmount,
  type MoneyIntentOptions,
} from './money-intent.js';
export {
  isMoneySuggestion,
  type MoneySuggestion,
  type MoneySuggestionData,
  moneyProvider,
} from './money-provider.js';
export {
  type AssistantPreferences,
  type ConsentStore,
  memoryConsent,
  type PreferencesChange,
  type ProviderChoice,
} from './preferences.js';
export type {
  AnalyzeContext,
  AssistantConversation,
  AssistantMessage,
  AssistantProvider,
  Suggestion,
  SuggestionInput,
} from './provider.js';
export {
  ConsentStoreError,
  type ServerConsentOptions,
  type SettleFetcher,
  serverConsent,
} from './server-consent.js';
