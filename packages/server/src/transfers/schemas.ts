import { z } from '@hono/zod-openapi';
import { isUserId } from '../auth/user-token.js';
import { holdsCardNumber } from '../cards/luhn.js';
import { ConversationId } from '../conversations/conversation-id.js';
import { MoneySchema } from '../http/schemas.js';

/**
 * A user to pay or ask: any id a user token may carry as `sub`, or someone who could enroll
 * could never be paid.
 */
export const UserId = z
  .string()
  .min(1)
  .max(255)
  .refine(isUserId, 'A user id: at most 255 characters, without NUL or lone surrogates');

export const PositiveMoney = z
  .strictObject({
    // The range first: its message names the real limit, where the safe-integer one of
    // `.int()` would give a 16-digit bound that logs mask as a card number.
    value: z
      .number()
      .min(1)
      .max(100_000_000)
      .int()
      .openapi({ description: 'Integer minor units', example: 2000 }),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'ISO 4217 code')
      .openapi({ example: 'EUR' }),
  })
  .openapi('PositiveMoney');

/**
 * One line of text: no control characters (line breaks, escapes, bells), nor the line and
 * paragraph separators (U+2028, U+2029), which browsers and chat apps also break lines at.
 * Bidi controls stay: the elements show a note isolated (`<bdi>`), so it cannot reorder what
 * follows it. No `u` flag: the pattern goes into the OpenAPI document as it is.
 */
export const Note = z
  .string()
  .trim()
  .max(140)
  .regex(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: it lists the characters refused
    /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$/,
    'One line of text, without control characters or line separators',
  )
  // Every event and webhook of the payment carries its note: none may carry a card number.
  .refine((note) => !holdsCardNumber(note), 'A note cannot hold a card number')
  .optional();

/** An opaque id the SDK keeps per browser or app install: the new-device rule. */
const device = z
  .string()
  .regex(/^[\w-]{8,128}$/, '8 to 128 letters, digits, _ or -')
  .optional()
  .openapi({ description: 'The device making the call, for the new-device rule (optional)' });

export const DeviceHeaders = z.object({ 'settle-device': device });

export const IdempotencyHeaders = z.object({
  'settle-device': device,
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'Printable ASCII')
    .openapi({
      description: 'Makes retries safe: same key and body, same result.',
      example: 'a1b2c3',
    }),
});

export const TransferInput = z
  .strictObject({
    recipientId: UserId.openapi({ example: 'bob' }),
    amount: PositiveMoney,
    note: Note.openapi({ example: 'Resto' }),
    conversationId: ConversationId.optional(),
    requestId: z.string().min(1).max(64).optional(),
    authorization: z.string().max(2048).optional().openapi({
      description: 'From POST /v1/authorizations; not needed under the low-value exemption',
    }),
  })
  .openapi('TransferInput');

export const TransferSchema = z
  .object({
    id: z.string(),
    status: z.enum(['pending', 'awaiting_recipient', 'completed', 'failed', 'canceled']),
    amount: MoneySchema,
    note: z.string().nullable(),
    senderId: z.string(),
    recipientId: z.string(),
    conversationId: z.string().nullable(),
    requestId: z.string().nullable(),
    failureReason: z.string().nullable(),
    review: z.boolean().openapi({ description: 'Held for anti-fraud review' }),
    createdAt: z.string(),
    updatedAt: z.string(),
    completedAt: z.string().nullable(),
    availableAt: z
      .string()
      .nullable()
      .openapi({ description: 'When the recipient can use the money' }),
    expiresAt: z
      .string()
      .nullable()
      .openapi({ description: 'When an awaiting transfer is refunded' }),
  })
  .openapi('Transfer');

export const AuthorizationInput = z
  .strictObject({
    pin: z.string().regex(/^\d{4,6}$/, '4 to 6 digits'),
    amount: PositiveMoney,
    payeeId: UserId,
  })
  .openapi('AuthorizationInput');

export const AuthorizationSchema = z
  .object({ authorization: z.string(), expiresAt: z.string() })
  .openapi('Authorization');

export const TransferListQuery = z.object({ conversationId: ConversationId.optional() });
export const IdParam = z.object({ id: z.string().max(64) });
