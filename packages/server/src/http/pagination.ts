import { z } from '@hono/zod-openapi';
import { invalid } from './errors.js';

/** `?limit=&startingAfter=`: newest first, a cursor that stays valid as rows are added. */
export const PageQuery = z.object({
  // Digits only: `Number` would also take `1e2`, `0x10` or ` 5`.
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'Expected a whole number from 1 to 100.')
    .default('20')
    .transform(Number)
    .pipe(z.number().min(1).max(100))
    .openapi({ type: 'integer', minimum: 1, maximum: 100, default: 20, example: 20 }),
  startingAfter: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: 'nextCursor of the previous page' }),
});

export const pageSchema = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({ data: z.array(item), hasMore: z.boolean(), nextCursor: z.string().nullable() })
    .openapi(name);

export interface Cursor {
  createdAt: number;
  id: string;
}

export const encodeCursor = (c: Cursor) =>
  Buffer.from(`${c.createdAt}:${c.id}`).toString('base64url');

export function decodeCursor(raw: string | undefined): Cursor | undefined {
  if (raw === undefined) return undefined;
  const match = /^(\d{1,15}):([\w-]{1,100})$/.exec(Buffer.from(raw, 'base64url').toString());
  if (!match)
    throw invalid(
      'cursor_invalid',
      'startingAfter is not a cursor from this API.',
      'startingAfter',
    );
  return { createdAt: Number(match[1]), id: match[2] as string };
}

/** SQL for "older than the cursor" in (created_at, id) order, newest first. */
export const afterCursor = (c: Cursor | undefined) =>
  c
    ? {
        sql: ' AND (created_at < ? OR (created_at = ? AND id < ?))',
        params: [c.createdAt, c.createdAt, c.id],
      }
    : { sql: '', params: [] };

/** Builds a page from `limit + 1` rows. */
export function page<R extends { created_at: number; id: string }, V>(
  rows: R[],
  limit: number,
  view: (row: R) => V,
) {
  const hasMore = rows.length > limit;
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    data: items.map(view),
    hasMore,
    nextCursor:
      hasMore && last ? encodeCursor({ createdAt: Number(last.created_at), id: last.id }) : null,
  };
}
