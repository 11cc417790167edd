import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { type Chat, createChat } from './chat.js';
import type { Message, NewMessage, Sms } from './messages.js';
import { conversations, people } from './people.js';
import type { SmsRelay } from './sms-relay.js';

const publicDir = new URL('../public/', import.meta.url);
// The page script is bundled by rollup (rollup.config.mjs); this path works from src/ and dist/.
const pageScript = new URL('../dist/browser/demo.js', import.meta.url);
const elementsBundle = fileURLToPath(import.meta.resolve('@settle/elements/settle-elements.js'));

export interface DemoOptions {
  /** The Settle server as the demo's server reaches it (for the dev SMS outbox). */
  settleUrl: string;
  /**
   * The Settle server as the browser reaches it. By default the host the page was loaded
   * from, on `settleUrl`'s port: another origin than the demo's, as in production.
   */
  publicSettleUrl?: string;
  /** Mints a Settle user token, as a platform's server does for its signed-in user. */
  mintToken(userId: string): Promise<string>;
  /**
   * The platform's secret key (`sk_…`), for the admin desk: anti-fraud reviews and freezes.
   * Only this server holds it; the page asks this server, never Settle, for admin actions.
   */
  secretKey?: string;
  chat?: Chat;
  /** New SMS of the dev outbox, shown as phone notifications. */
  sms?: SmsRelay;
}

type ErrorCode = 'not_found' | 'parameter_invalid';
const problem = (code: ErrorCode, message: string, param?: string) => ({
  error: {
    type: code === 'not_found' ? 'not_found_error' : 'invalid_request_error',
    code,
    message,
    ...(param ? { param } : {}),
  },
});

const PAYMENT_ID = /^(tr|rq|rg)_[A-Za-z0-9_-]{1,64}$/;
const PAYMENT_KEYS = { tr: 'transferId', rq: 'requestId', rg: 'groupId' } as const;

/** A message from a request body, or the reason it is not one. */
function readMessage(body: unknown, members: string[]): NewMessage | ReturnType<typeof problem> {
  if (typeof body !== 'object' || body === null) {
    return problem('parameter_invalid', 'Send a JSON object.');
  }
  const { authorId, text, paymentId, parties, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown) return problem('parameter_invalid', `Unknown field ${unknown}.`, unknown);
  if (typeof authorId !== 'string' || !members.includes(authorId)) {
    return problem(
      'parameter_invalid',
      'authorId must be a member of the conversation.',
      'authorId',
    );
  }
  if (
    parties !== undefined &&
    (paymentId === undefined ||
      !Array.isArray(parties) ||
      !parties.includes(authorId) ||
      new Set(parties).size !== parties.length ||
      parties.some((id) => typeof id !== 'string' || !members.includes(id)))
  ) {
    return problem(
      'parameter_invalid',
      'parties, with a paymentId only, lists the author and other members, each once.',
      'parties',
    );
  }
  if (typeof text === 'string' && paymentId === undefined) {
    const trimmed = text.trim();
    if (trimmed.length < 1 || trimmed.length > 2000) {
      return problem('parameter_invalid', 'text must have 1 to 2000 characters.', 'text');
    }
    return { authorId, text: trimmed };
  }
  if (typeof paymentId === 'string' && text === undefined && PAYMENT_ID.test(paymentId)) {
    const key = PAYMENT_KEYS[paymentId.slice(0, 2) as keyof typeof PAYMENT_KEYS];
    return {
      authorId,
      payment: { [key]: paymentId } as NewMessage['payment'],
      ...(parties ? { parties: parties as string[] } : {}),
    };
  }
  return problem(
    'parameter_invalid',
    'Send either text, or paymentId: a transfer (tr_…), request (rq_…) or request group (rg_…).',
    text === undefined ? 'paymentId' : 'text',
  );
}

/**
 * The demo chat app's own server, playing the platform: the page, user tokens minted for the
 * people of the demo, their conversations, a live stream of new messages and SMS, and the
 * platform's admin desk. The users' Settle calls do not go through it: the page calls the
 * Settle server directly.
 *
 * @example
 * serve({ fetch: createDemoApp({ settleUrl, mintToken }).fetch, port: 3000 });
 */
export function createDemoApp({
  settleUrl,
  publicSettleUrl,
  mintToken,
  secretKey,
  chat = createChat(),
  sms,
}: DemoOptions): Hono {
  const app = new Hono();
  const settleFor = (requestUrl: string) => {
    if (publicSettleUrl) return publicSettleUrl;
    const page = new URL(requestUrl);
    return `${page.protocol}//${page.hostname}:${new URL(settleUrl).port}`;
  };

  app.use(async (c, next) => {
    await next();
    // Settle works under a strict CSP: no inline script or style, and only the Settle server
    // may be called and framed (its card frame).
    const settle = settleFor(c.req.url);
    c.header(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        `connect-src 'self' ${settle}`,
        `frame-src ${settle}`,
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join('; '),
    );
    c.header('X-Content-Type-Options', 'nosniff');
  });

  app.get('/', async (c) => {
    const page = await readFile(new URL('index.html', publicDir), 'utf8');
    return c.html(page.replace('{{SETTLE_URL}}', settleFor(c.req.url)));
  });
  const asset = (path: string, file: URL | string, type: string) =>
    app.get(path, async (c) => {
      c.header('Content-Type', type);
      c.header('Cache-Control', 'no-cache');
      return c.body(await readFile(file, 'utf8'));
    });
  asset('/demo.css', new URL('demo.css', publicDir), 'text/css; charset=utf-8');
  asset('/demo.js', pageScript, 'text/javascript; charset=utf-8');
  asset('/favicon.svg', new URL('favicon.svg', publicDir), 'image/svg+xml');
  asset('/settle-elements.js', elementsBundle, 'text/javascript; charset=utf-8');
  // What the bundle loads on demand (phone metadata, French, the assistant), beside it.
  app.get('/chunks/:file{[\\w-]+\\.js}', async (c) => {
    const file = join(dirname(elementsBundle), 'chunks', c.req.param('file'));
    const code = await readFile(file, 'utf8').catch(() => null);
    if (code === null) return c.notFound();
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    return c.body(code);
  });

  app.get('/api/people', (c) => c.json({ people, conversations }));

  // A real platform mints a token only for its signed-in user; the demo plays everyone.
  app.get('/api/token/:userId', async (c) => {
    const userId = c.req.param('userId');
    if (!people.some((p) => p.id === userId)) {
      return c.json(problem('not_found', `No one called ${userId} in the demo.`), 404);
    }
    c.header('Cache-Control', 'no-store');
    return c.text(await mintToken(userId));
  });

  app.get('/api/conversations/:id/messages', (c) => {
    const conversation = conversations.find((each) => each.id === c.req.param('id'));
    if (!conversation) return c.json(problem('not_found', 'No such conversation.'), 404);
    return c.json({ data: chat.messages(conversation.id) });
  });

  app.post('/api/conversations/:id/messages', async (c) => {
    const conversation = conversations.find((each) => each.id === c.req.param('id'));
    if (!conversation) return c.json(problem('not_found', 'No such conversation.'), 404);
    const body = await c.req.json().catch(() => undefined);
    const message = readMessage(body, conversation.members);
    if ('error' in message) return c.json(message, 400);
    return c.json(await chat.post(conversation.id, message), 201);
  });

  // The platform's admin desk: calls Settle's admin API with the secret key, server to server.
  const admin = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await fetch(new URL(path, settleUrl), {
      method,
      headers: { Authorization: `Bearer ${secretKey}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return new Response(res.body, {
      status: res.status,
      headers: { 'Content-Type': 'application/json' },
    });
  };
  app.use('/api/admin/*', async (c, next) => {
    if (!secretKey) return c.json(problem('not_found', 'The admin desk is off.'), 404);
    await next();
  });
  app.get('/api/admin/flags', () => admin('GET', '/v1/admin/flags?status=open&limit=20'));
  app.post('/api/admin/flags/:id/resolve', async (c) => {
    const id = c.req.param('id');
    const { decision } = ((await c.req.json().catch(() => ({}))) ?? {}) as { decision?: unknown };
    if (!/^fl_[\w-]{1,64}$/.test(id)) return c.json(problem('not_found', 'No such flag.'), 404);
    if (decision !== 'approve' && decision !== 'reject') {
      return c.json(
        problem('parameter_invalid', 'decision is approve or reject.', 'decision'),
        400,
      );
    }
    return admin('POST', `/v1/admin/flags/${id}/resolve`, { decision });
  });
  const someone = (userId: string) => people.some((p) => p.id === userId);
  const nobody = (userId: string) => problem('not_found', `No one called ${userId} in the demo.`);
  app.get('/api/admin/accounts/:userId', (c) => {
    const userId = c.req.param('userId');
    if (!someone(userId)) return c.json(nobody(userId), 404);
    return admin('GET', `/v1/admin/accounts/${userId}`);
  });
  app.post('/api/admin/accounts/:userId/:action{freeze|unfreeze}', (c) => {
    const userId = c.req.param('userId');
    if (!someone(userId)) return c.json(nobody(userId), 404);
    return admin('POST', `/v1/admin/accounts/${userId}/${c.req.param('action')}`);
  });

  // New messages and SMS, as server-sent events; the page's own EventSource reconnects.
  app.get('/api/events', (c) =>
    streamSSE(c, async (stream) => {
      const queue: { event: string; data: Message | Sms }[] = [];
      let wake: () => void = () => undefined;
      const push = (event: string, data: Message | Sms) => {
        queue.push({ event, data });
        wake();
      };
      const stopChat = chat.subscribe((message) => push('message', message));
      const stopSms = sms?.subscribe((each) => push('sms', each));
      stream.onAbort(() => {
        stopChat();
        stopSms?.();
        wake();
      });
      await stream.writeSSE({ event: 'ready', data: '{}' });
      while (!stream.aborted) {
        const next = queue.shift();
        if (next) {
          await stream.writeSSE({ event: next.event, data: JSON.stringify(next.data) });
          continue;
        }
        // Wait for news, or 15 s for a keep-alive comment that keeps proxies from closing.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 15000);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        if (queue.length === 0 && !stream.aborted) await stream.write(': keep-alive\n\n');
      }
    }),
  );

  return app;
}
