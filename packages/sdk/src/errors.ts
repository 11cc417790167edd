/** The `type` of an API error: one per kind of reaction the caller needs. */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'idempotency_error'
  | 'conflict_error'
  | 'rate_limit_error'
  | 'api_error';

/** The API's error body: `{ error: { type, code, message, param? } }`. */
export interface ErrorBody {
  type: ErrorType;
  code: string;
  message: string;
  param?: string;
}

/** Every error the SDK throws is a `SettleError`. */
export class SettleError extends Error {
  override name = 'SettleError';
}

/**
 * The server answered with an error. Subclasses tell the kinds apart; `code` says exactly
 * what happened (`phone_invalid`, `authentication_required`, ...).
 *
 * @example
 * try {
 *   await settle.transfers.create({ recipientId, amount });
 * } catch (error) {
 *   if (error instanceof SettleApiError && error.code === 'authentication_required') askForPin();
 * }
 */
export class SettleApiError extends SettleError {
  override name = 'SettleApiError';
  /** The HTTP status. */
  readonly status: number;
  readonly type: ErrorType;
  readonly code: string;
  /** The offending field, when one is to blame (`phone`, `amount.value`). */
  readonly param: string | undefined;
  /** The server's `Request-Id` header: quote it when reporting a problem. */
  readonly requestId: string | undefined;
  readonly headers: Headers;

  constructor(status: number, body: ErrorBody, headers: Headers) {
    super(body.message);
    this.status = status;
    this.type = body.type;
    this.code = body.code;
    this.param = body.param;
    this.requestId = headers.get('Request-Id') ?? undefined;
    this.headers = headers;
  }
}

/** 400, 413 or 422: the request is malformed or refused as it stands; fix it, do not retry. */
export class InvalidRequestError extends SettleApiError {
  override name = 'InvalidRequestError';
}
/** 401 (the user token) or 403 with a PIN/SCA code: `authentication_failed`, `authentication_required`. */
export class AuthenticationError extends SettleApiError {
  override name = 'AuthenticationError';
}
/** 403: not allowed in the account's state (`account_locked`, `account_frozen`). */
export class PermissionError extends SettleApiError {
  override name = 'PermissionError';
}
/** 404: no such resource, or not visible to this user. */
export class NotFoundError extends SettleApiError {
  override name = 'NotFoundError';
}
/** 409: a step out of order or a state that no longer allows the call. */
export class ConflictError extends SettleApiError {
  override name = 'ConflictError';
}
/** 409: the `Idempotency-Key` was used before with another body. */
export class IdempotencyError extends SettleApiError {
  override name = 'IdempotencyError';
}
/** 429: too many requests; `retryAfter` says how many seconds to wait. */
export class RateLimitError extends SettleApiError {
  override name = 'RateLimitError';
  /** Seconds from the `Retry-After` header. */
  get retryAfter(): number | undefined {
    return retryAfterMs(this.headers) / 1000 || undefined;
  }
}
/** 5xx: a problem on the server's side. Safe calls were already retried. */
export class ServerError extends SettleApiError {
  override name = 'ServerError';
}

/** The server could not be reached, or the connection broke. `cause` holds the reason. */
export class SettleConnectionError extends SettleError {
  override name = 'SettleConnectionError';
}
/** No answer within `timeout`. */
export class SettleTimeoutError extends SettleConnectionError {
  override name = 'SettleTimeoutError';
}

const byType: Record<string, typeof SettleApiError> = {
  invalid_request_error: InvalidRequestError,
  authentication_error: AuthenticationError,
  permission_error: PermissionError,
  not_found_error: NotFoundError,
  idempotency_error: IdempotencyError,
  conflict_error: ConflictError,
  rate_limit_error: RateLimitError,
  api_error: ServerError,
};

const byStatus: Record<number, typeof SettleApiError> = {
  401: AuthenticationError,
  403: PermissionError,
  404: NotFoundError,
  409: ConflictError,
  429: RateLimitError,
};

/** The error class for a failed response; proxies' non-JSON errors are classed by status. */
export async function errorFromResponse(res: Response): Promise<SettleApiError> {
  let body: Partial<ErrorBody> = {};
  try {
    body = ((await res.json()) as { error?: Partial<ErrorBody> }).error ?? {};
  } catch {}
  const status = res.status;
  const Class =
    (body.code === 'idempotency_error' && IdempotencyError) ||
    byType[body.type ?? ''] ||
    byStatus[status] ||
    (status >= 500 ? ServerError : InvalidRequestError);
  return new Class(
    status,
    {
      type: body.type ?? (status >= 500 ? 'api_error' : 'invalid_request_error'),
      code: body.code ?? `http_${status}`,
      message: body.message ?? `The server answered ${status}.`,
      ...(body.param ? { param: body.param } : {}),
    },
    res.headers,
  );
}

/** `Retry-After` in milliseconds (seconds or an HTTP date); 0 when absent or unreadable. */
export function retryAfterMs(headers: Headers): number {
  const value = headers.get('Retry-After');
  if (!value) return 0;
  const seconds = Number(value);
  const ms = Number.isNaN(seconds) ? Date.parse(value) - Date.now() : seconds * 1000;
  return Math.max(ms || 0, 0);
}
