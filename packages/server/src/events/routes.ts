import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { CLOCK_SKEW_S } from '../auth/user-token.js';
import { invalid, rateLimited, unavailable } from '../http/errors.js';
import { errorResponses } from '../http/schemas.js';
import type { Services } from '../services.js';
import { latestSeq, RECENT_EVENTS, recentStart } from './events.js';
import { KEEP_ALIVE_MS, streamEvents } from './stream.js';

const Seq = z
  .string()
  .regex(/^\d{1,15}$/, 'Expected the `id` of the last event received (a whole number).');

const description = `Server-sent events (\`text/event-stream\`) for the current user: first the events
after \`Last-Event-ID\` (or \`lastEventId\`), then new ones as they happen, each once and in order.
Without either, the stream starts with the events of the last ${RECENT_EVENTS.ms / 60_000} minutes (at most
${RECENT_EVENTS.max}), after a first message holding only the \`id\` it starts from; \`Last-Event-ID: 0\`
replays the whole history.
Each message has \`id\` (the user's event sequence number), \`event\` (the type:
\`transfer.updated\`, \`request.updated\`, \`account.updated\`) and \`data\`, a JSON event
\`{ id, type, createdAt, data }\`. A comment line is sent every ${KEEP_ALIVE_MS / 1000} s. The stream
ends when the user token expires or is revoked: reconnect with a new token and \`Last-Event-ID\`.
A \`Last-Event-ID\` ahead of the user's latest event (another user's) is \`400 last_event_id_unknown\`.`;

/**
 * Streams one user may hold open on one server process: a page needs one, a few tabs a few.
 * Beyond, a token could tie up the server's connections and memory.
 */
export const STREAMS_PER_USER = 10;

/**
 * `GET /v1/events`: the live events of the current user (docs/events.md). Returns `drain`,
 * which ends every stream this process serves and refuses new ones, for a shutdown: their
 * clients resume on another process with `Last-Event-ID`.
 */
export function eventRoutes(
  app: OpenAPIHono,
  services: Services,
  isRevoked: (userId: string, issuedAt: number) => Promise<boolean>,
) {
  const open = new Map<string, number>();
  const live = new Set<() => void>();
  let draining = false;
  // Hono answers HEAD with the GET handler and drops the body: a stream would never be read
  // nor closed, and would hold one of the user's places until the token expires.
  app.use('/v1/events', (c, next) =>
    c.req.method === 'HEAD'
      ? Promise.resolve(c.body(null, 200, { 'Content-Type': 'text/event-stream' }))
      : next(),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/events',
      summary: 'Live events of the current user (server-sent events)',
      description,
      tags: ['Events'],
      security: [{ userToken: [] }],
      request: {
        headers: z.object({ 'last-event-id': Seq.optional() }),
        query: z.object({
          lastEventId: Seq.optional().openapi({
            description: 'Resume after this event id, when the Last-Event-ID header cannot be set.',
          }),
        }),
      },
      responses: {
        200: {
          description: 'An endless stream of events',
          content: { 'text/event-stream': { schema: z.string() } },
        },
        ...errorResponses(400, 401, 429, 503),
      },
    }),
    async (c) => {
      // The header wins: EventSource sends it on reconnection, with the newest id.
      const given = c.req.valid('header')['last-event-id'] ?? c.req.valid('query').lastEventId;
      const { userId, tokenExpiresAt, tokenIssuedAt } = c.var;
      if (given !== undefined && Number(given) > (await latestSeq(services.store, userId))) {
        // Another user's id (a resume point kept across sign-ins) or another server's: the
        // stream would wait for events that will never come, so say so.
        throw invalid(
          'last_event_id_unknown',
          'Last-Event-ID is ahead of your latest event: it is not yours. Connect without it.',
          'last-event-id',
        );
      }
      // As long as the token would be accepted, skew included: not a moment longer.
      const lifetimeMs = (tokenExpiresAt + CLOCK_SKEW_S) * 1000 - services.now();
      if (draining) {
        throw unavailable('shutting_down', 'This server is shutting down: connect again.', 1);
      }
      const streams = open.get(userId) ?? 0;
      if (streams >= STREAMS_PER_USER) {
        throw rateLimited(
          'too_many_streams',
          `At most ${STREAMS_PER_USER} live event streams per user: close one first.`,
          30,
        );
      }
      open.set(userId, streams + 1);
      const res = streamSSE(c, async (stream) => {
        const end = () => stream.abort();
        live.add(end);
        try {
          c.req.raw.signal.addEventListener('abort', () => stream.abort());
          const after =
            given === undefined
              ? await recentStart(services.store, userId, services.now())
              : Number(given);
          await streamEvents(stream, services, {
            userId,
            after,
            lifetimeMs,
            announceStart: given === undefined,
            revoked: () => isRevoked(userId, tokenIssuedAt),
          });
        } finally {
          live.delete(end);
          const left = (open.get(userId) ?? 1) - 1;
          if (left > 0) open.set(userId, left);
          else open.delete(userId);
        }
      });
      // Proxies pass the stream on as it comes: nginx buffers unless told, and a compressing
      // proxy or CDN would hold events back until it has enough to compress. (Set after
      // streamSSE, which sets its own Cache-Control.)
      c.header('X-Accel-Buffering', 'no');
      c.header('Cache-Control', 'no-cache, no-transform');
      return res;
    },
  );
  return {
    drain() {
      draining = true;
      for (const end of live) end();
    },
  };
}
