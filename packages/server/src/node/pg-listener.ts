import pg from 'pg';
import { checkChannel, createListeners } from '../store/listeners.js';

const RECONNECT_MS = 1000;
/** How often the listening connection is asked `SELECT 1`, and how long it has to answer. */
const LISTENER_HEARTBEAT_MS = 5_000;

/**
 * LISTEN/NOTIFY for a PostgreSQL store: one dedicated connection per process, open while
 * anything listens, reconnecting after a loss. Channels are scoped to the store's schema,
 * since notifications are database-wide.
 */
/**
 * What pg_stat_activity and the server's logs call a connection: `name`, unless PGAPPNAME or
 * the URL's `application_name` (which pg reads over this) says otherwise.
 */
export const appName = (name: string) => (process.env.PGAPPNAME ? {} : { application_name: name });

export function pgListener(
  connectionString: string,
  schema: string | undefined,
  heartbeatMs = LISTENER_HEARTBEAT_MS,
) {
  const listeners = createListeners();
  const prefix = schema ? `${schema}.` : '';
  const channel = (name: string) => {
    const scoped = prefix + checkChannel(name);
    if (Buffer.byteLength(scoped) > 63) throw new Error(`Channel name too long: ${scoped}`);
    return scoped;
  };
  const quoted = (name: string) => `"${channel(name)}"`;

  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let closed = false;

  // Connecting, LISTEN and UNLISTEN happen one at a time, in call order.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const result = queue.then(fn);
    queue = result.catch(() => undefined);
    return result;
  };

  async function connection(): Promise<pg.Client> {
    if (client) return client;
    // keepAlive ends a connection whose peer vanished only after hours: `watch` finds it out
    // once listening, query_timeout before (a LISTEN the network swallowed).
    const c = new pg.Client({
      connectionString,
      ...appName('settle listen'),
      keepAlive: true,
      connectionTimeoutMillis: 5_000,
      query_timeout: heartbeatMs,
    });
    c.on('notification', (message) => {
      if (message.channel.startsWith(prefix)) {
        listeners.deliver(message.channel.slice(prefix.length), message.payload ?? '');
      }
    });
    c.on('error', () => lost(c));
    c.on('end', () => lost(c));
    try {
      await c.connect();
      for (const name of listeners.channels()) await c.query(`LISTEN ${quoted(name)}`);
    } catch (error) {
      // Closed, not left open unused (end() closes a connection busy with a query at once).
      c.end().catch(() => undefined);
      throw error;
    }
    client = c;
    watch(c);
    return c;
  }

  // A connection whose peer vanished without a word (a failover, a network cut) would wait
  // for notifications that never come: TCP keepalive only notices after two hours, and the
  // streams would hear of new events only at their keep-alives. One that does not answer a
  // query in time (query_timeout) is made again.
  function watch(c: pg.Client) {
    heartbeat = setInterval(() => {
      c.query('SELECT 1').catch(() => lost(c));
    }, heartbeatMs);
    heartbeat.unref();
  }

  function lost(c: pg.Client) {
    if (client !== c) return;
    clearInterval(heartbeat);
    client = undefined;
    c.end().catch(() => undefined);
    reconnect();
  }

  function reconnect() {
    if (closed || retry || listeners.channels().length === 0) return;
    retry = setTimeout(() => {
      retry = undefined;
      serial(connection).then(listeners.reconnected, reconnect);
    }, RECONNECT_MS);
  }

  async function disconnect() {
    const c = client;
    clearInterval(heartbeat);
    client = undefined;
    await c?.end().catch(() => undefined);
  }

  return {
    channel,
    listen(name: string, onMessage: (payload: string) => void, onReconnect?: () => void) {
      return serial(async () => {
        const remove = listeners.add(name, onMessage, onReconnect);
        try {
          await (await connection()).query(`LISTEN ${quoted(name)}`);
        } catch (error) {
          await remove();
          throw error;
        }
        return () =>
          serial(async () => {
            await remove();
            if (listeners.has(name)) return;
            if (listeners.channels().length === 0) return disconnect();
            await client?.query(`UNLISTEN ${quoted(name)}`).catch(() => undefined);
          });
      });
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      await serial(disconnect);
    },
  };
}
