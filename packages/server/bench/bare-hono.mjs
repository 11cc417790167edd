// The baseline: a bare Hono JSON POST endpoint on the same HTTP server, nothing else.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.post('/echo', async (c) => c.json({ received: await c.req.json() }, 201));
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
  process.send?.({ port: info.port }),
);
// The bench asks how much CPU this process used, to report CPU time per request.
process.on('message', (m) => m === 'cpu' && process.send?.({ cpu: process.cpuUsage() }));
