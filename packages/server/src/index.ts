export { createApp, type SettleApp } from './app.js';
export type { Availability } from './cards/sandbox-cards.js';
export type { SettleOptions, WebhookTarget } from './config.js';
export { type Country, type CountryRules, countries } from './countries.js';
export { type EventType, recordEvent, type SettleEvent } from './events/events.js';
export {
  createWebhookWorker,
  type WebhookWorker,
  type WebhookWorkerOptions,
} from './events/webhooks.js';
export { checkLedger, type LedgerReport } from './ledger/check.js';
export type {
  CardCheck,
  CardDetails,
  CardOperation,
  DeclineCode,
  OperationResult,
  Processor,
} from './processor/processor.js';
export type { RiskOptions } from './risk/rules.js';
export type { SmsSender } from './sms.js';
export type { Sql, SqlValue, Store } from './store/store.js';
export { StoreUnavailableError } from './store/store.js';
export type { ScaExemption } from './transfers/create.js';
