import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { CLOCK_SKEW_S } from '../auth/user-token.js';
import { invalid, unavailable } from '../http/errors.js';
import { errorResponses } from '../http/schemas.js';
import type { Services } from '../services.js';
import { latestSeq, RECENT_EVENTS, recentStart } from './events.js';
import { KEEP_ALIVE_MS, streamEvents } from './stream.js';

/** What @hono/node-server passes as `c.env`. */
type NodeConnection = { incoming: IncomingMessage; outgoing: ServerResponse };

const Seq = z
  .string()
  .regex(/^\d{1,15}$/, 'Expected the `id` of the last event received (a whole number).');

/**
 * Streams one user may hold open on one server process: a page needs one, a few tabs a few.
 * Beyond, a token could tie up the server's connections and memory.
 */
export const STREAMS_PER_USER = 10;

/**
 * How long a stream closed to make room for a newer one asks its client to wait before
 * reconnecting. A client that vanished never comes back; one still open (an eleventh tab)
 * comes back at this pace, not at once, so open tabs take turns rather than close each
 * other in a loop.
 */
export const REPLACED_RETRY_MS = 30_000;
/**
 * How long a closed stream's connection may take to deliver its last message before it is cut:
 * a client that stopped reading while its buffers were full would otherwise hold the
 * connection for good, its place already given to another, one more each time.
 */
export const REPLACED_GRACE_MS = 5_000;
const REPLACED = `: closed to make room for a newer stream of this user (${STREAMS_PER_USER} at most)\nretry: ${REPLACED_RETRY_MS}\n\n`;

const description = `Server-sent events (\`text/event-stream\`) for the current user: first the events
after \`Last-Event-ID\` (or \`lastEventId\`), then new ones as they happen, each once and in order.
Without either, the stream starts with the events of the last ${RECENT_EVENTS.ms / 60_000} minutes (at most
${RECENT_EVENTS.max}), after a first message holding only the \`id\` it starts from; \`Last-Event-ID: 0\`
replays the whole history.
Each message has \`id\` (the user's event sequence number), \`event\` (the type:
\`transfer.updated\`, \`request.updated\`, \`account.updated\`) and \`data\`, a JSON event
\`{ id, type, createdAt, data }\`. A comment line is sent every ${KEEP_ALIVE_MS / 1000} s. The stream
ends when the user token expires or is revoked: reconnect with a new token and \`Last-Event-ID\`.
A user holds at most ${STREAMS_PER_USER} streams on one server process: a new one closes the oldest, whose
last message is \`retry: ${REPLACED_RETRY_MS}\`, the milliseconds to wait before reconnecting.
A \`Last-Event-ID\` ahead of the user's latest event (another user's) is \`400 last_event_id_unknown\`.`;

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
  // Each user's open streams, oldest first (a Set keeps insertion order), as the function
  // that ends each: with a last message to make room, or at once for a shutdown.
  const open = new Map<string, Set<(farewell?: string) => void>>();
  let draining = false;
  // Hono answers HEAD with the GET handler and drops the body: a stream would never be read
  // nor closed, and would take the place of one of the user's open pages.
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
        ...errorResponses(400, 401),
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
      const streams = open.get(userId) ?? new Set();
      open.set(userId, streams);
      // The new page gets its stream. The oldest is most likely a client that vanished without
      // closing (a closed lid, a change of network), which holds its connection until TCP
      // gives up, about 15 minutes: nothing the server can see tells it sooner.
      for (const oldest of streams) {
        if (streams.size < STREAMS_PER_USER) break;
        streams.delete(oldest);
        oldest(REPLACED);
      }
      const res = streamSSE(c, async (stream) => {
        const replaced = new AbortController();
        const end = (farewell?: string) => {
          if (farewell === undefined) return stream.abort();
          replaced.abort(farewell);
          // On Node (@hono/node-server), the answer still unsent by then is not coming.
          const { incoming, outgoing } = (c.env ?? {}) as Partial<NodeConnection>;
          if (!incoming || !outgoing || outgoing.closed) return;
          const cut = setTimeout(() => {
            if (!outgoing.writableFinished) incoming.socket.destroy();
          }, REPLACED_GRACE_MS).unref();
          // The timer holds the request, its answer and their socket: under churn, 5 s of
          // closed connections would stay in memory, one per eviction.
          outgoing.once('close', () => clearTimeout(cut));
        };
        // Before any await: the place is taken in the same step as it was counted.
        streams.add(end);
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
            signal: replaced.signal,
          });
        } finally {
          streams.delete(end);
          if (streams.size === 0 && open.get(userId) === streams) open.delete(userId);
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
      for (const streams of open.values()) for (const end of streams) end();
    },
  };
}
