import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { accountView, getAccount } from '../enrollment/accounts.js';
import { AccountSchema } from '../enrollment/schemas.js';
import { notFound } from '../http/errors.js';
import { adminErrorResponses, jsonResponse } from '../http/schemas.js';
import type { Services } from '../services.js';

const UserIdParam = z.object({
  userId: z
    .string()
    .min(1)
    .max(255)
    .openapi({ param: { name: 'userId', in: 'path' } }),
});

/** Admin API for the platform's server (secret key): support and anti-fraud tooling. */
export function adminRoutes(app: OpenAPIHono, { store, limits }: Services) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/accounts/{userId}',
      summary: 'An account as support sees it',
      tags: ['Admin'],
      security: [{ platformKey: [] }],
      request: { params: UserIdParam },
      responses: {
        200: jsonResponse(AccountSchema, 'The account'),
        ...adminErrorResponses(400, 404),
      },
    }),
    async (c) => {
      const { userId } = c.req.valid('param');
      const account = await getAccount(store, userId);
      if (!account) throw notFound('No such account.');
      return c.json(await accountView(store, userId, account, limits), 200);
    },
  );
}
