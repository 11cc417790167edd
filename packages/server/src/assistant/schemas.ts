import { z } from '@hono/zod-openapi';
import { ConversationId } from '../conversations/conversation-id.js';

/** Bounds that keep one user's document small; past them a request is a 400. */
export const MAX_ID_LENGTH = 100;
export const MAX_LIST = 500;
export const MAX_PROVIDERS = 100;

const id = (what: string) => z.string().min(1).max(MAX_ID_LENGTH).openapi({ description: what });

/** Provider ids and kinds are names developers choose: `weather`, `com.example.ride`. */
const name = (what: string) =>
  id(what)
    .regex(
      /^[A-Za-z0-9][\w.:/-]*$/,
      'Letters, digits and . _ : / -, starting with a letter or digit',
    )
    .openapi({ example: 'weather' });

const choice = z.enum(['on', 'off']).openapi({
  description: '`on`: the user allows the provider; `off`: the user turned it off or said no.',
});

export const AssistantPreferencesSchema = z
  .object({
    enabled: z.boolean().openapi({ description: 'The assistant as a whole' }),
    providers: z.record(name('Provider id'), choice).openapi({
      description: 'The user’s choice per provider; a provider not listed has no choice yet.',
      example: { weather: 'on', ride: 'off' },
    }),
    mutedConversations: z.array(z.string()).openapi({
      description: '“Not in this conversation”: conversation ids, oldest first',
    }),
    neverKinds: z.array(z.string()).openapi({
      description: '“Never for this kind”: suggestion kinds',
      example: ['weather'],
    }),
    version: z.number().int().openapi({ description: 'Goes up by one with every change' }),
    updatedAt: z.string().nullable().openapi({ format: 'date-time' }),
  })
  .openapi('AssistantPreferences');

const listChange = (entry: z.ZodString) =>
  z
    .strictObject({
      add: z.array(entry).max(MAX_LIST).optional(),
      remove: z.array(entry).max(MAX_LIST).optional(),
    })
    .refine(
      ({ add = [], remove = [] }) => !add.some((entry) => remove.includes(entry)),
      'An entry cannot be both added and removed.',
    );

export const AssistantPreferencesChangeSchema = z
  .strictObject({
    enabled: z.boolean().optional(),
    providers: z
      .record(name('Provider id'), choice.nullable())
      .refine((map) => Object.keys(map).length <= MAX_PROVIDERS, `At most ${MAX_PROVIDERS}.`)
      .optional()
      .openapi({ description: '`null` forgets the choice, so the user is asked again.' }),
    mutedConversations: listChange(ConversationId).optional(),
    neverKinds: listChange(name('Suggestion kind')).optional(),
  })
  .openapi('AssistantPreferencesChange', {
    description:
      'The choices to set; what is left out stays as it is. Every field is idempotent, so a ' +
      'retried request changes nothing more, and two devices changing different choices ' +
      'never overwrite each other.',
    example: { mutedConversations: { add: ['conv_42'] }, providers: { weather: 'on' } },
  });

export type AssistantPreferencesChange = z.infer<typeof AssistantPreferencesChangeSchema>;
