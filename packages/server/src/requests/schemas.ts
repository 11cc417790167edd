import { z } from '@hono/zod-openapi';
import { ConversationId } from '../conversations/conversation-id.js';
import { MoneySchema } from '../http/schemas.js';
import { Note, PositiveMoney, UserId } from '../transfers/schemas.js';

const Payers = z
  .array(z.strictObject({ userId: UserId, amount: PositiveMoney }))
  .min(1)
  .max(50)
  .openapi({ description: 'An amount per person' });

const Split = z
  .strictObject({
    total: PositiveMoney,
    among: z.array(UserId).min(1).max(50),
    includeSelf: z.boolean().openapi({ description: 'Whether the requester pays a share too' }),
  })
  .openapi({ description: 'A total split evenly' });

export const RequestInput = z
  .strictObject({
    conversationId: ConversationId.optional(),
    note: Note.openapi({ example: 'Weekend à Lyon' }),
    payers: Payers.optional(),
    split: Split.optional(),
  })
  .refine((r) => (r.payers === undefined) !== (r.split === undefined), {
    message: 'Give either payers or split',
    path: ['payers'],
  })
  .openapi('RequestInput');

export const RequestSchema = z
  .object({
    id: z.string(),
    groupId: z.string(),
    status: z.enum(['open', 'paid', 'declined', 'canceled']),
    requesterId: z.string(),
    payerId: z.string(),
    amount: MoneySchema,
    note: z.string().nullable(),
    conversationId: z.string().nullable(),
    transferId: z
      .string()
      .nullable()
      .openapi({ description: 'The transfer paying it, once started' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Request');

export const RequestGroupSchema = z
  .object({ groupId: z.string(), data: z.array(RequestSchema) })
  .openapi('RequestGroup');

export const RequestListQuery = z.object({
  conversationId: ConversationId.optional(),
  groupId: z.string().min(1).max(64).optional(),
});
