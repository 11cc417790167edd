import { z } from '@hono/zod-openapi';

export const ErrorSchema = z
  .object({
    error: z.object({
      type: z.string().openapi({ example: 'invalid_request_error' }),
      code: z.string().openapi({ example: 'parameter_invalid' }),
      message: z.string(),
      param: z.string().optional(),
    }),
  })
  .openapi('Error');

export const MoneySchema = z
  .object({
    value: z.number().int().openapi({ description: 'Integer minor units', example: 2050 }),
    currency: z.string().length(3).openapi({ example: 'EUR' }),
  })
  .openapi('Money');

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'Invalid request',
  401: 'Missing or invalid user token',
  403: 'Not allowed in the current account state, or a failed authentication',
  404: 'No such resource, or not the caller’s',
  409: 'In conflict with the current state, or an Idempotency-Key used with another body',
  413: 'The body is over 16 kB',
  415: 'The body is not sent as `application/json`',
  422: 'Well-formed but refused',
  429: 'Too many requests: retry after `Retry-After` seconds',
  503: 'Unavailable for a moment (the database or the card network did not answer, or the server is stopping): retry after `Retry-After` seconds',
};

const retryAfter = {
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    required: true,
    schema: { type: 'integer' as const, minimum: 1 },
  },
};

const errorResponse = (status: ErrorStatus) => ({
  description: ERROR_DESCRIPTIONS[status],
  content: { 'application/json': { schema: ErrorSchema } },
  ...(status === 429 || status === 503 ? { headers: retryAfter } : {}),
});

/**
 * The error responses of one operation: exactly the statuses it can answer, each reachable
 * (`fuzz/contract.test.ts` drives every one, and fails on any other). Every operation reads
 * the database, so every one lists 503 for when it does not answer.
 */
export const errorResponses = (
  ...statuses: Exclude<ErrorStatus, 503>[]
): Record<number, ReturnType<typeof errorResponse>> =>
  Object.fromEntries([...statuses, 503 as const].map((s) => [s, errorResponse(s)]));

/** Errors of the admin routes, whose credential is the platform's secret key. */
export const adminErrorResponses = (...statuses: Exclude<ErrorStatus, 401 | 503>[]) => ({
  ...errorResponses(...statuses),
  401: { ...errorResponse(401), description: 'Missing or invalid platform secret key' },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { required: true, content: { 'application/json': { schema } } },
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
