import { createServer, connect as dial, type Socket } from 'node:net';
import { pgUrl } from './stores.js';

/** One client connection and its connection to PostgreSQL. */
interface Link {
  client: Socket;
  upstream: Socket;
  /** Bytes (or a close: null) that wait for the network to come back, in order. */
  held: [Socket, Buffer | null][] | undefined;
  /** Its host is gone for good (a failover): nothing it holds ever passes. */
  stranded: boolean;
  /** How many steps of `blackholeAfter` the client has sent. */
  steps: number;
}

/**
 * A TCP relay to PostgreSQL whose network can be cut without a word: no RST, no FIN, the
 * sockets stay open and nothing passes, as in a network partition or a failover that left
 * the old primary's host unreachable. The client's kernel sees its bytes taken (the relay
 * acknowledges them), so only the client's own bounds can end its wait.
 *
 * @example
 * const relay = await pgRelay();
 * const store = await openPgStore({ connectionString: relay.url });
 * relay.blackhole(); // ... relay.forward();
 */
export async function pgRelay() {
  const target = new URL(pgUrl);
  const links = new Set<Link>();
  let accepted = 0;
  let cut = false;
  let trigger: string[] | undefined;

  function send(link: Link, to: Socket, chunk: Buffer | null) {
    if (link.held) link.held.push([to, chunk]);
    else if (chunk === null) to.end();
    else if (!to.destroyed) to.write(chunk);
  }

  function hold(link: Link, stranded = false) {
    link.held ??= [];
    link.stranded ||= stranded;
  }

  // Half-open sockets: a FIN is relayed (or held) like the bytes before it, not answered by
  // the relay's own kernel, so a client closing a connection across the cut waits, as it
  // would for a host that is gone.
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = dial({
      port: Number(target.port || 5432),
      host: target.hostname,
      allowHalfOpen: true,
    });
    const link: Link = { client, upstream, held: cut ? [] : undefined, stranded: false, steps: 0 };
    links.add(link);
    accepted++;
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      from.on('data', (chunk) => {
        send(link, to, chunk);
        // The step's bytes passed; from now on nothing does.
        if (from === client && trigger?.[link.steps] && chunk.includes(trigger[link.steps] ?? '')) {
          if (++link.steps === trigger.length) relay.blackhole();
        }
      });
      from.on('error', () => undefined);
      // A FIN (or a reset, passed on as one) travels or waits like the bytes before it.
      from.on('end', () => send(link, to, null));
      from.on('close', () => {
        send(link, to, null);
        if (client.destroyed && upstream.destroyed) links.delete(link);
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(pgUrl);
  url.host = `127.0.0.1:${(server.address() as { port: number }).port}`;

  const relay = {
    url: url.toString(),
    /** Connections open now and new ones: nothing passes, and nothing is closed. */
    blackhole() {
      cut = true;
      trigger = undefined;
      for (const link of links) hold(link);
    },
    /**
     * Blackholes once a client connection has sent each of `steps` (texts of its queries) in
     * order: the last one reaches PostgreSQL, its answer does not.
     */
    blackholeAfter(...steps: string[]) {
      trigger = steps;
      for (const link of links) link.steps = 0;
    },
    /**
     * The network is back: what was held passes, in order (TCP sends again what was not
     * acknowledged), closes included, and everything after it.
     */
    forward() {
      cut = false;
      trigger = undefined;
      for (const link of links) {
        const held = link.held;
        if (!held || link.stranded) continue;
        link.held = undefined;
        for (const [to, chunk] of held) send(link, to, chunk);
      }
    },
    /** A failover: connections open now lead nowhere, for good; new ones pass. */
    failover() {
      for (const link of links) hold(link, true);
    },
    /** How many connections clients have opened through the relay. */
    accepted: () => accepted,
    close() {
      server.close();
      for (const { client, upstream } of links) {
        client.destroy();
        upstream.destroy();
      }
    },
  };
  return relay;
}
