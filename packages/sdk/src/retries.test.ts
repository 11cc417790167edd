// Network faults, simulated on the client's side with msw; everything else reaches the
// real server, so "paid once" is checked against what the server holds.
import { bypass, delay, HttpResponse, http, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidRequestError,
  RateLimitError,
  ServerError,
  SettleConnectionError,
  SettleTimeoutError,
} from './errors.js';
import { eur, startServer, type TestServer } from './testing/server.js';

let server: TestServer;
const network = setupServer();
beforeAll(async () => {
  server = await startServer();
  network.listen({ onUnhandledFrame: 'bypass' });
});
afterEach(() => network.resetHandlers());
afterAll(async () => {
  network.close();
  await server.close();
});

const apiError = (status: number, type: string, headers: Record<string, string> = {}) =>
  HttpResponse.json(
    { error: { type, code: `fault_${status}`, message: 'Simulated.' } },
    { status, headers: { 'Request-Id': `req_fault_${status}`, ...headers } },
  );

/**
 * Fails the first `times` POST /v1/transfers with `fault`, given the real request (which
 * the fault may first forward, as when the server paid but the answer was lost). Records
 * every attempt's Idempotency-Key.
 */
function faultyTransfers(times: number, fault: (request: Request) => Promise<Response>) {
  const keys: Array<string | null> = [];
  network.use(
    http.post(`${server.baseUrl}/v1/transfers`, ({ request }) => {
      keys.push(request.headers.get('Idempotency-Key'));
      return keys.length <= times ? fault(request) : passthrough();
    }),
  );
  return keys;
}

const lostAfterServer =
  (answer: () => Response | Promise<Response>) => async (request: Request) => {
    // A text body keeps Content-Length, as the SDK sends it (a stream would go chunked).
    const body = await request.text();
    const res = await fetch(
      bypass(request.url, { method: 'POST', headers: request.headers, body }),
    );
    if (res.status !== 201) throw new Error(`the server refused the transfer: ${res.status}`);
    return answer();
  };

let users = 0;
/** A sender and a recipient, both active. */
async function pair() {
  const n = ++users;
  const sender = await server.enroll(`sender-${n}`);
  await server.enroll(`recipient-${n}`);
  return { sender, recipientId: `recipient-${n}`, recipient: server.settleFor(`recipient-${n}`) };
}

describe('retries of a transfer never pay twice', () => {
  it.each([
    ['the connection drops after the server paid', lostAfterServer(() => HttpResponse.error())],
    ['the server answers 500 after it paid', lostAfterServer(() => apiError(500, 'api_error'))],
    ['the server answers 503 before paying', async () => apiError(503, 'api_error')],
    [
      'a proxy answers 200 with a page of its own after the server paid',
      lostAfterServer(() => HttpResponse.html('<h1>Session expired</h1>')),
    ],
  ])('when %s', async (_, fault) => {
    const { sender, recipientId, recipient } = await pair();
    const keys = faultyTransfers(2, fault);
    const transfer = await sender.transfers.create({ recipientId, amount: eur(1500) });
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    const received = (await recipient.transfers.list()).data;
    expect(received.map((t) => t.id)).toEqual([transfer.id]);
  });

  it('when an attempt times out after the server paid', async () => {
    const { sender, recipientId, recipient } = await pair();
    const keys = faultyTransfers(
      1,
      lostAfterServer(async () => {
        await delay('infinite');
        return HttpResponse.error();
      }),
    );
    const transfer = await sender.transfers.create(
      { recipientId, amount: eur(1500) },
      { timeout: 500 },
    );
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect((await recipient.transfers.list()).data.map((t) => t.id)).toEqual([transfer.id]);
  });

  it('when a 429 asks to wait: it waits Retry-After seconds, then sends the same key', async () => {
    const { sender, recipientId, recipient } = await pair();
    const keys = faultyTransfers(1, async () =>
      apiError(429, 'rate_limit_error', { 'Retry-After': '1' }),
    );
    const started = Date.now();
    await sender.transfers.create(
      { recipientId, amount: eur(1500) },
      { idempotencyKey: 'pay-dinner' },
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(keys).toEqual(['pay-dinner', 'pay-dinner']);
    expect((await recipient.transfers.list()).data).toHaveLength(1);
  });

  it('gives up after maxRetries with the last error, having paid nothing twice', async () => {
    const { sender, recipientId, recipient } = await pair();
    const keys = faultyTransfers(
      10,
      lostAfterServer(() => apiError(502, 'api_error')),
    );
    const error = await sender.transfers
      .create({ recipientId, amount: eur(1500) }, { maxRetries: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 502, requestId: 'req_fault_502' });
    expect(keys).toHaveLength(2);
    // Both attempts reached the server with one key: one transfer.
    expect((await recipient.transfers.list()).data).toHaveLength(1);
  });

  it('a new call gets a new key', async () => {
    const { sender, recipientId } = await pair();
    const keys = faultyTransfers(0, async () => HttpResponse.error());
    await sender.transfers.create({ recipientId, amount: eur(100) });
    await sender.transfers.create({ recipientId, amount: eur(100) });
    expect(keys[0]).not.toBe(keys[1]);
  });
});

describe('retries of other calls', () => {
  it('retries a GET after 5xx and network errors', async () => {
    const settle = server.settleFor('reader');
    let attempts = 0;
    network.use(
      http.get(`${server.baseUrl}/v1/account`, () => {
        attempts++;
        if (attempts === 1) return apiError(503, 'api_error');
        if (attempts === 2) return HttpResponse.error();
        return passthrough();
      }),
    );
    expect((await settle.account.get()).userId).toBe('reader');
    expect(attempts).toBe(3);
  });

  it('reports a network failure as SettleConnectionError once retries run out', async () => {
    const settle = server.settleFor('reader');
    network.use(http.get(`${server.baseUrl}/v1/account`, () => HttpResponse.error()));
    const error = await settle.account.get({ maxRetries: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SettleConnectionError);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('reports a timeout as SettleTimeoutError', async () => {
    const settle = server.settleFor('reader', { timeout: 200, maxRetries: 0 });
    network.use(
      http.get(`${server.baseUrl}/v1/account`, async () => {
        await delay('infinite');
        return passthrough();
      }),
    );
    await expect(settle.account.get()).rejects.toBeInstanceOf(SettleTimeoutError);
  });

  it('never retries a call without an idempotency key, like a PIN authorization', async () => {
    const settle = await server.enroll('pin-holder');
    let attempts = 0;
    network.use(
      http.post(`${server.baseUrl}/v1/authorizations`, () => {
        attempts++;
        return apiError(500, 'api_error');
      }),
    );
    await expect(
      settle.authorizations.create({ pin: '914273', amount: eur(5000), payeeId: 'x' }),
    ).rejects.toBeInstanceOf(ServerError);
    expect(attempts).toBe(1);
  });

  it('classes a proxy’s non-JSON error by its status', async () => {
    const settle = server.settleFor('reader', { maxRetries: 0 });
    network.use(
      http.get(
        `${server.baseUrl}/v1/account`,
        () => new HttpResponse('<h1>Bad gateway</h1>', { status: 502 }),
      ),
    );
    await expect(settle.account.get()).rejects.toMatchObject({
      constructor: ServerError,
      status: 502,
      type: 'api_error',
      code: 'http_502',
    });
  });

  it('reports a 200 that is not JSON as SettleConnectionError, not a SyntaxError', async () => {
    const settle = server.settleFor('reader', { maxRetries: 0 });
    network.use(
      http.get(`${server.baseUrl}/v1/account`, () =>
        HttpResponse.html('<h1>Welcome to the Wi-Fi</h1>'),
      ),
    );
    const error = await settle.account.get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SettleConnectionError);
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it('does not retry client errors', async () => {
    const settle = server.settleFor('reader');
    let attempts = 0;
    network.use(
      http.get(`${server.baseUrl}/v1/account`, () => {
        attempts++;
        return apiError(400, 'invalid_request_error');
      }),
    );
    await expect(settle.account.get()).rejects.toBeInstanceOf(InvalidRequestError);
    expect(attempts).toBe(1);
  });

  it('reports a 429 at once when Retry-After is longer than a minute', async () => {
    const settle = server.settleFor('reader');
    network.use(
      http.get(`${server.baseUrl}/v1/account`, () =>
        apiError(429, 'rate_limit_error', { 'Retry-After': '120' }),
      ),
    );
    const started = Date.now();
    const error = await settle.account.get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfter).toBe(120);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('stops retrying when the caller aborts, with the signal’s reason', async () => {
    const settle = server.settleFor('reader');
    network.use(http.get(`${server.baseUrl}/v1/account`, () => apiError(503, 'api_error')));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user left the page')), 100);
    await expect(settle.account.get({ signal: controller.signal })).rejects.toThrow(
      'user left the page',
    );
  });
});
