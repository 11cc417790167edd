import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Services } from '../services.js';
import { readDevOutbox } from '../sms.js';

/** Dev-only helpers; `createApp` mounts them only when `dev` is on, never in production. */
export function devRoutes(app: OpenAPIHono, { store }: Services) {
  app.get('/dev/sms', async (c) => c.json({ data: await readDevOutbox(store) }));
}
