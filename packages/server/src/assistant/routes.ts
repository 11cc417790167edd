import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { errorResponses, jsonBody, jsonResponse } from '../http/schemas.js';
import type { Services } from '../services.js';
import { changePreferences, getPreferences } from './preferences.js';
import { AssistantPreferencesChangeSchema, AssistantPreferencesSchema } from './schemas.js';

const tags = ['Assistant'];
const security = [{ userToken: [] }];
const preferencesResponse = {
  200: jsonResponse(AssistantPreferencesSchema, 'The user’s assistant choices'),
};

/** The assistant's consent choices, kept per user so they follow them across devices. */
export function assistantRoutes(app: OpenAPIHono, { store, now }: Services) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/assistant/preferences',
      summary: 'The user’s assistant choices',
      tags,
      security,
      responses: { ...preferencesResponse, ...errorResponses(401) },
    }),
    async (c) => c.json(await getPreferences(store, c.var.userId), 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/assistant/preferences',
      summary: 'Set some of the user’s assistant choices, leaving the others as they are',
      tags,
      security,
      request: jsonBody(AssistantPreferencesChangeSchema),
      responses: { ...preferencesResponse, ...errorResponses(400, 401, 413, 415, 422) },
    }),
    async (c) =>
      c.json(await changePreferences(store, c.var.userId, c.req.valid('json'), now()), 200),
  );
}
