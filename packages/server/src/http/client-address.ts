import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/**
 * Who is calling, as far as the network says, for limits on routes without a credential:
 * the TCP peer, or behind `trustedProxies` proxies (each appending the address it got the
 * request from to `X-Forwarded-For`), the address the farthest of them saw. Entries left of
 * those are the client's own writing and never used. An IPv6 address stands for its /64,
 * which a single subscriber usually holds whole. Undefined when neither is known: the app
 * called without Node's HTTP server (`app.request` in tests) and no trusted proxy.
 */
export function clientAddress(c: Context, trustedProxies: number): string | undefined {
  if (trustedProxies > 0) {
    const hops = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((hop) => hop.trim())
      .filter(Boolean);
    // Fewer entries than proxies: the request skipped the outer ones; the farthest one known.
    const hop = hops[Math.max(0, hops.length - trustedProxies)];
    if (hop) return normalize(hop);
  }
  const peer = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket
    ?.remoteAddress;
  return peer ? normalize(peer) : undefined;
}

/** `203.0.113.7`, `203.0.113.7:5123`, `::ffff:203.0.113.7` → `203.0.113.7`; IPv6 → its /64. */
export function normalize(address: string): string {
  let a = address.trim().toLowerCase().slice(0, 64);
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1] as string;
  else if (/^[\d.]+:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(':'));
  a = a.replace(/%.*$/, '');
  if (a.startsWith('::ffff:') && a.includes('.')) return a.slice(7);
  if (!a.includes(':')) return a;
  const [head = '', tail] = a.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
