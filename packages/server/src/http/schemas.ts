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

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorSchema } },
});

/** The error responses every authenticated route can give. */
export const commonErrors = {
  400: errorResponse('Invalid request'),
  401: errorResponse('Missing or invalid user token'),
  403: errorResponse('Not allowed in the current account state'),
  429: errorResponse('Too many requests; see Retry-After'),
};

export const errorResponses = (
  ...statuses: Array<404 | 409 | 413 | 422 | 503>
): Record<number, ReturnType<typeof errorResponse>> =>
  Object.fromEntries(statuses.map((s) => [s, errorResponse(`Error ${s}`)]));

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { required: true, content: { 'application/json': { schema } } },
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
