export { createSettle, type Settle, type SettleOptions } from './client.js';
export {
  AuthenticationError,
  ConflictError,
  type ErrorBody,
  type ErrorType,
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
} from './errors.js';
export type { EventHandler, SubscribeOptions } from './events.js';
export type { IdempotentRequestOptions, RequestOptions } from './http.js';
export { formatMoney, type Money, parseMoney } from './money.js';
export type { ListResponse, Page, PageRequest } from './pagination.js';
export type { MoneyRequestPayParams } from './resources/requests.js';
export type * from './types.js';
