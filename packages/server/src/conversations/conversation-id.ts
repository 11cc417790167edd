import { z } from '@hono/zod-openapi';

const MAX_LENGTH = 255;

/**
 * Control characters (line breaks, tabs, NUL, C1), line and paragraph separators, and the
 * bidi controls that can make an id display as another one. Lone surrogates never get this
 * far: the JSON body parser refuses them, and a query string cannot carry one.
 */
const HIDDEN = /[\p{Cc}\p{Zl}\p{Zp}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/**
 * A conversation as the chat platform names it: a Matrix room (`!abc:matrix.org`), a Slack
 * channel, a Discord snowflake, a path or URL, base64. Kept exactly as sent, never trimmed,
 * since the SDK and elements match live payments to a conversation by equality; an id with
 * spaces at either end is refused instead, as it is most often a templating slip that would
 * split one conversation's history in two.
 */
export const ConversationId = z
  .string()
  .min(1, 'A conversation id cannot be empty')
  .max(MAX_LENGTH, `A conversation id has at most ${MAX_LENGTH} characters`)
  .refine(
    (id) => !HIDDEN.test(id),
    'A conversation id cannot hold control characters (line breaks, tabs, NUL) or bidi controls',
  )
  .refine((id) => !/^\s|\s$/u.test(id), 'A conversation id cannot begin or end with spaces')
  .openapi({
    description:
      'Your platform’s id of the conversation, kept exactly as sent: any printable text, ' +
      'without control characters, bidi controls or spaces at either end',
    example: '!OGEhHVWSdvArJzumhm:matrix.org',
  });
