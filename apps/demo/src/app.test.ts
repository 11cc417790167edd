import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDevSecrets, mintDevToken } from '@settle/server/node';
import { importJWK, jwtVerify } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { createDemoApp } from './app.js';
import { createChat } from './chat.js';
import type { Message } from './messages.js';

const dir = mkdtempSync(join(tmpdir(), 'settle-demo-app-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const secrets = await loadDevSecrets(dir);

const demo = (chatFile = join(dir, `chat-${Math.random()}.json`)) =>
  createDemoApp({
    settleUrl: 'http://127.0.0.1:8787',
    mintToken: (userId) => mintDevToken(secrets, userId),
    chat: createChat({ file: chatFile }),
  });

/** What the demo's API answers: a message, a list of them, or an error. */
interface Answer extends Partial<Message> {
  data: Message[];
  error: { code: string; param?: string };
}
const json = async (res: Response) => (await res.json()) as Answer;

const post = (app: ReturnType<typeof demo>, conversation: string, body: unknown) =>
  app.request(`/api/conversations/${conversation}/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('demo app', () => {
  it('serves the chat page under a strict CSP that lets it call and frame only Settle', async () => {
    const res = await demo().request('http://localhost:3000/');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy');
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("connect-src 'self' http://localhost:8787");
    expect(csp).toContain('frame-src http://localhost:8787');
    const page = await res.text();
    expect(page).toContain('<meta name="settle-url" content="http://localhost:8787" />');
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page).not.toMatch(/<style|style="/);
  });

  it('serves the one-file elements bundle and its own stylesheet', async () => {
    const app = demo();
    const elements = await app.request('/settle-elements.js');
    expect(elements.headers.get('content-type')).toContain('javascript');
    expect(await elements.text()).toContain('customElements.define(');
    const css = await app.request('/demo.css');
    expect(css.headers.get('content-type')).toContain('text/css');
  });

  it('mints Settle user tokens with the platform key, for the people of the demo only', async () => {
    const app = demo();
    const res = await app.request('/api/token/alice');
    expect(res.status).toBe(200);
    const key = await importJWK(secrets.publicJwk, 'ES256');
    const { payload } = await jwtVerify(await res.text(), key, {
      issuer: secrets.platformId,
      audience: 'settle',
    });
    expect(payload.sub).toBe('alice');
    expect(payload.exp).toBeLessThanOrEqual((payload.iat ?? 0) + 3600);
    const stranger = await app.request('/api/token/mallory');
    expect(stranger.status).toBe(404);
    expect((await json(stranger)).error.code).toBe('not_found');
  });

  it('keeps the messages of a conversation in order, across restarts', async () => {
    const file = join(dir, 'kept.json');
    const first = demo(file);
    expect((await post(first, 'alice-bob', { authorId: 'alice', text: ' Salut ! ' })).status).toBe(
      201,
    );
    const payment = await post(first, 'alice-bob', { authorId: 'bob', paymentId: 'tr_abc123' });
    expect(await json(payment)).toMatchObject({ payment: { transferId: 'tr_abc123' } });
    await post(first, 'friday-dinner', {
      authorId: 'chloe',
      paymentId: 'rg_group1',
      parties: ['chloe', 'alice', 'bob'],
    });

    const again = demo(file);
    const res = await again.request('/api/conversations/alice-bob/messages');
    const { data } = await json(res);
    expect(data.map((m) => m.authorId)).toEqual(['alice', 'bob']);
    expect(data[0]?.text).toBe('Salut !');
    const group = await json(await again.request('/api/conversations/friday-dinner/messages'));
    expect(group.data[0]).toMatchObject({
      payment: { groupId: 'rg_group1' },
      parties: ['chloe', 'alice', 'bob'],
    });
  });

  it('refuses messages that are not from a member, empty, or not a payment id, and keeps none', async () => {
    const app = demo();
    const cases: [unknown, string][] = [
      [{ authorId: 'chloe', text: 'hi' }, 'authorId'],
      [{ authorId: 'alice', text: '   ' }, 'text'],
      [{ authorId: 'alice', text: 'x'.repeat(2001) }, 'text'],
      [{ authorId: 'alice', paymentId: 'pay me' }, 'paymentId'],
      [{ authorId: 'alice', text: 'hi', paymentId: 'tr_1' }, 'text'],
      [{ authorId: 'alice', text: 'hi', extra: 1 }, 'extra'],
      [{ authorId: 'alice', text: 'hi', parties: ['alice', 'bob'] }, 'parties'],
      [{ authorId: 'alice', paymentId: 'tr_1', parties: ['bob'] }, 'parties'],
      [{ authorId: 'alice', paymentId: 'tr_1', parties: ['alice', 'chloe'] }, 'parties'],
      [{ authorId: 'alice', paymentId: 'tr_1', parties: ['alice', 'alice'] }, 'parties'],
    ];
    for (const [body, param] of cases) {
      const res = await post(app, 'alice-bob', body);
      expect(res.status).toBe(400);
      expect((await json(res)).error).toMatchObject({ code: 'parameter_invalid', param });
    }
    const malformed = await app.request('/api/conversations/alice-bob/messages', {
      method: 'POST',
      body: '{',
    });
    expect(malformed.status).toBe(400);
    expect((await post(app, 'nowhere', { authorId: 'alice', text: 'hi' })).status).toBe(404);
    const { data } = await json(await app.request('/api/conversations/alice-bob/messages'));
    expect(data).toEqual([]);
  });

  it('streams new messages to the page as server-sent events', async () => {
    const app = demo();
    const res = await app.request('/api/events');
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>)
      .pipeThrough(new TextDecoderStream())
      .getReader();
    let text = '';
    while (!text.includes('event: ready')) text += (await reader.read()).value;
    await post(app, 'alice-bob', { authorId: 'bob', text: 'tu me dois 20 € pour le resto' });
    while (!text.includes('pour le resto')) text += (await reader.read()).value;
    expect(text).toContain('event: message');
    await reader.cancel();
  });

  it('serves the chunks the bundle loads on demand, and nothing else', async () => {
    const app = demo();
    const bundle = await (await app.request('/settle-elements.js')).text();
    const flow = bundle.match(/chunks\/(enrollment-flow-[\w-]+\.js)/)?.[1];
    expect(flow).toBeDefined();
    const res = await app.request(`/chunks/${flow}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
    // A chunk's own chunks too: enrollment's steps load the phone metadata.
    const phone = (await res.text()).match(/\.\/(phone-[\w-]+\.js)/)?.[1];
    expect(phone).toBeDefined();
    expect((await app.request(`/chunks/${phone}`)).status).toBe(200);
    expect((await app.request('/chunks/..%2Fpackage.json')).status).toBe(404);
  });

  it('keeps the admin desk off without the secret key, and checks what the page asks of it', async () => {
    const off = await demo().request('/api/admin/flags');
    expect(off.status).toBe(404);
    const desk = createDemoApp({
      settleUrl: 'http://127.0.0.1:9',
      mintToken: (userId) => mintDevToken(secrets, userId),
      secretKey: secrets.secretKey,
    });
    const resolve = (id: string, body: unknown) =>
      desk.request(`/api/admin/flags/${id}/resolve`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const wrong = await resolve('fl_abc', { decision: 'maybe' });
    expect(wrong.status).toBe(400);
    expect((await json(wrong)).error).toMatchObject({
      code: 'parameter_invalid',
      param: 'decision',
    });
    expect((await resolve('../accounts', { decision: 'approve' })).status).toBe(404);
    const stranger = await desk.request('/api/admin/accounts/mallory/freeze', { method: 'POST' });
    expect(stranger.status).toBe(404);
  });
});
