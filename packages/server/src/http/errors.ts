import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The `type` of an error, one per kind of client reaction (SPEC: API conventions). */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'idempotency_error'
  | 'conflict_error'
  | 'rate_limit_error'
  | 'api_error';

/** The one error body of the API: `{ error: { type, code, message, param? } }`. */
export interface ErrorBody {
  error: { type: ErrorType; code: string; message: string; param?: string };
}

/**
 * An error that renders as the API's error body. Throw it from any handler.
 *
 * @example
 * throw new ApiError(409, 'conflict_error', 'card_missing', 'Attach a card first.');
 */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly type: ErrorType,
    readonly code: string,
    message: string,
    readonly param?: string,
    /** Seconds, sent as `Retry-After` (429 and 503). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): ErrorBody {
    const error: ErrorBody['error'] = { type: this.type, code: this.code, message: this.message };
    if (this.param !== undefined) error.param = this.param;
    return { error };
  }
}

export const invalid = (code: string, message: string, param?: string) =>
  new ApiError(400, 'invalid_request_error', code, message, param);

export const unprocessable = (code: string, message: string, param?: string) =>
  new ApiError(422, 'invalid_request_error', code, message, param);

export const conflict = (code: string, message: string) =>
  new ApiError(409, 'conflict_error', code, message);

export const unauthenticated = (message = 'Authentication failed.') =>
  new ApiError(401, 'authentication_error', 'unauthenticated', message);

export const forbidden = (code: string, message: string) =>
  new ApiError(403, 'permission_error', code, message);

export const notFound = (message = 'No such resource.') =>
  new ApiError(404, 'not_found_error', 'resource_missing', message);

export const rateLimited = (code: string, message: string, retryAfter: number) =>
  new ApiError(
    429,
    'rate_limit_error',
    code,
    message,
    undefined,
    Math.max(1, Math.ceil(retryAfter)),
  );

/** A service Settle depends on (the card network) did not answer: the client may retry. */
export const unavailable = (code: string, message: string, retryAfter: number) =>
  new ApiError(503, 'api_error', code, message, undefined, retryAfter);
