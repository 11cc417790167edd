import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CARD_TOKENS_PER_MINUTE } from '../app.js';
import { FR_CARD, testApp } from '../testing/platform.js';
import { listenHttp } from '../testing/sse.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';

const year = new Date().getFullYear() + 3;

/**
 * Card testing: trying stolen card numbers in bulk through the endpoint that takes card
 * numbers without a credential. Each client address gets a minute's allowance, over real HTTP.
 */
describe.each(await storeKinds())('card tokens per client address, on the %s store', (kind) => {
  let db: TestStore;
  const servers: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    db = await openTestStore(kind);
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });
  afterAll(() => db.cleanup());

  /** A Settle server on a real port, and a card-frame submission to it. */
  async function serve(overrides: Parameters<typeof testApp>[1] = {}) {
    const t = await testApp(db.store, overrides);
    const http = await listenHttp(t.app);
    servers.push(http);
    const tokenize = async (number = FR_CARD, headers: Record<string, string> = {}) => {
      const res = await fetch(`${http.url}/v1/card-tokens`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify({ number, expMonth: 12, expYear: year, cvc: '123' }),
      });
      return {
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        body: (await res.json()) as { error?: { type: string; code: string; message: string } },
      };
    };
    return { t, tokenize };
  }
  const cards = async () =>
    Number((await db.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM cards'))?.n);

  it(`takes ${CARD_TOKENS_PER_MINUTE} cards a minute from one address, wrong numbers included, then 429 with Retry-After`, async () => {
    const { t, tokenize } = await serve();
    // A person mistyping their card a few times, then getting it right, and more.
    for (let i = 0; i < 3; i++) expect((await tokenize('4000002500000004')).status).toBe(400);
    for (let i = 3; i < CARD_TOKENS_PER_MINUTE; i++) expect((await tokenize()).status).toBe(201);
    const before = await cards();
    // A client writing its own X-Forwarded-For gets nothing for it: no proxy is trusted.
    const refused = await tokenize(FR_CARD, { 'X-Forwarded-For': '198.51.100.1' });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({
      type: 'rate_limit_error',
      code: 'too_many_card_tokens',
    });
    expect(refused.body.error?.message).not.toContain(FR_CARD);
    expect(refused.retryAfter).toBe(String(60 / CARD_TOKENS_PER_MINUTE));
    expect(await cards()).toBe(before);
    // One more each 60 / perMinute seconds.
    t.clock.now += (60 / CARD_TOKENS_PER_MINUTE) * 1000;
    expect((await tokenize()).status).toBe(201);
    expect((await tokenize()).status).toBe(429);
  });

  it('behind a trusted proxy, counts each client by the address the proxy appended', async () => {
    const { tokenize } = await serve({ trustedProxies: 1, cardTokensPerMinute: 3 });
    const from = (chain: string) => tokenize(FR_CARD, { 'X-Forwarded-For': chain });
    for (let i = 0; i < 3; i++) expect((await from('203.0.113.7')).status).toBe(201);
    expect((await from('203.0.113.7')).status).toBe(429);
    // What the client wrote before the proxy's entry changes nothing.
    expect((await from('10.9.9.9, 203.0.113.7')).status).toBe(429);
    expect((await from('203.0.113.8')).status).toBe(201);
    // An IPv6 subscriber holds a whole /64: its addresses share one allowance.
    for (const host of ['1', '2', 'abcd']) {
      expect((await from(`2001:db8:1:2::${host}`)).status).toBe(201);
    }
    expect((await from('2001:db8:1:2:ffff::9')).status).toBe(429);
    expect((await from('2001:db8:1:3::1')).status).toBe(201);
  });

  it('gives each address its own allowance, set by cardTokensPerMinute', async () => {
    const { t, tokenize } = await serve({ cardTokensPerMinute: 2 });
    const other = await serve({ cardTokensPerMinute: 2 });
    for (let i = 0; i < 2; i++) expect((await tokenize()).status).toBe(201);
    expect((await tokenize()).status).toBe(429);
    // Another server process keeps its own count (in memory).
    expect((await other.tokenize()).status).toBe(201);
    t.clock.now += 30_000;
    expect((await tokenize()).status).toBe(201);
  });
});
