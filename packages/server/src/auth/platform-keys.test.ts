import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  mintToken,
  PLATFORM_ID,
  platformKeys,
  type TestApp,
  testApp,
} from '../testing/platform.js';
import { freePort } from '../testing/serve.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';
import { JWKS_MAX_STALE_MS, remotePlatformKeys } from './platform-keys.js';
import { createUserTokenVerifier } from './user-token.js';

/**
 * The platform's JWKS endpoint, on a real HTTP server: it serves `keys` with `status`, or,
 * while `hold` is set, keeps each answer until the test calls it from `held`.
 */
async function jwksServer() {
  const state = { keys: [] as JWK[], status: 200, hold: false, requests: 0 };
  const held: (() => void)[] = [];
  const server = createServer((_, res) => {
    state.requests++;
    const answer = () => {
      res.statusCode = state.status;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ keys: state.keys }));
    };
    if (state.hold) held.push(answer);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    state,
    held,
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

type JwksServer = Awaited<ReturnType<typeof jwksServer>>;

describe('platform keys at a JWKS URL', () => {
  let jwks: JwksServer;
  const clock = { now: Date.now() };
  const iat = () => Math.floor(clock.now / 1000);
  const verifier = () =>
    createUserTokenVerifier({ issuer: PLATFORM_ID, jwksUrl: jwks.url, now: () => clock.now });
  beforeAll(async () => {
    jwks = await jwksServer();
  });
  afterEach(() => {
    for (const answer of jwks.held.splice(0)) answer();
    Object.assign(jwks.state, { status: 200, hold: false });
  });
  afterAll(() => jwks.close());

  it('fetches the keys and verifies tokens signed with them', async () => {
    const keys = await platformKeys('ES256', 'remote-1');
    jwks.state.keys = [keys.publicJwk];
    const verify = verifier();
    expect((await verify(await mintToken(keys, 'bob', { iat: iat() }))).userId).toBe('bob');
    const stranger = await platformKeys('ES256', 'remote-2');
    await expect(verify(await mintToken(stranger, 'bob', { iat: iat() }))).rejects.toThrow(
      /No platform key/,
    );
  });

  it('stops accepting a removed key once a refresh sees it gone, verified tokens included', async () => {
    const old = await platformKeys('ES256', 'old-1');
    const next = await platformKeys('ES256', 'next-1');
    jwks.state.keys = [old.publicJwk, next.publicJwk];
    const verify = verifier();
    const stolen = await mintToken(old, 'alice', { iat: iat(), ttl: 3600 });
    const current = await mintToken(next, 'alice', { iat: iat(), ttl: 3600 });
    expect((await verify(stolen)).userId).toBe('alice');
    // The old key leaked: the platform removes it. The next request after a minute starts a
    // refresh; once it is in, a token the key signed, already verified and cached, and new
    // ones it signs, are refused.
    jwks.state.keys = [next.publicJwk];
    clock.now += 61_000;
    expect((await verify(current)).userId).toBe('alice');
    await vi.waitFor(() => expect(verify(stolen)).rejects.toThrow(/No platform key/));
    const forged = await mintToken(old, 'mallory', { iat: iat() });
    await expect(verify(forged)).rejects.toThrow(/No platform key/);
    expect((await verify(current)).userId).toBe('alice');
  });

  it('does not hold requests while the platform is slow to answer a refresh', async () => {
    const old = await platformKeys('ES256', 'old-2');
    const next = await platformKeys('ES256', 'next-2');
    jwks.state.keys = [old.publicJwk, next.publicJwk];
    const verify = verifier();
    const stolen = await mintToken(old, 'alice', { iat: iat(), ttl: 3600 });
    expect((await verify(stolen)).userId).toBe('alice');
    jwks.state.keys = [next.publicJwk];
    jwks.state.hold = true;
    clock.now += 61_000;
    // Answered from the keys known so far while the refresh waits on the platform...
    expect((await verify(stolen)).userId).toBe('alice');
    const fresh = await mintToken(next, 'bob', { iat: iat() });
    expect((await verify(fresh)).userId).toBe('bob');
    expect(jwks.held).toHaveLength(1);
    // ...whose answer, once it comes, still applies.
    jwks.held.shift()?.();
    await vi.waitFor(() => expect(verify(stolen)).rejects.toThrow(/No platform key/));
  });

  it('forgets tokens of a removed key that a fetch for a new kid found gone first', async () => {
    const old = await platformKeys('ES256', 'old-3');
    const next = await platformKeys('ES256', 'next-3');
    jwks.state.keys = [old.publicJwk];
    const verify = verifier();
    const stolen = await mintToken(old, 'alice', { iat: iat(), ttl: 3600 });
    expect((await verify(stolen)).userId).toBe('alice');
    // The platform swaps the leaked key for a new one; the first token of the new key makes
    // Settle fetch the keys at once (30 s after the last fetch), before the minute's refresh.
    jwks.state.keys = [next.publicJwk];
    clock.now += 31_000;
    const fresh = await mintToken(next, 'bob', { iat: iat() });
    expect((await verify(fresh)).userId).toBe('bob');
    await expect(verify(stolen)).rejects.toThrow(/No platform key/);
  });

  it('keeps the keys and refreshes them when the clock steps back', async () => {
    const old = await platformKeys('ES256', 'old-5');
    const next = await platformKeys('ES256', 'next-5');
    jwks.state.keys = [old.publicJwk];
    const verify = verifier();
    expect((await verify(await mintToken(old, 'alice', { iat: iat() }))).userId).toBe('alice');
    // An NTP correction sets the server's clock an hour back.
    jwks.state.keys = [next.publicJwk];
    clock.now -= 3600_000;
    const before = await mintToken(old, 'bob', { iat: iat() });
    expect((await verify(before)).userId).toBe('bob');
    const after = await mintToken(old, 'carol', { iat: iat() });
    await vi.waitFor(() => expect(verify(after)).rejects.toThrow(/No platform key/));
  });

  it('does not keep tokens of a removed key that were being checked when the refresh landed', async () => {
    const old = await platformKeys('ES256', 'old-4');
    const next = await platformKeys('ES256', 'next-4');
    jwks.state.keys = [old.publicJwk, next.publicJwk];
    const verify = verifier();
    const bob = await mintToken(next, 'bob', { iat: iat(), ttl: 3600 });
    expect((await verify(bob)).userId).toBe('bob');
    const stolen = await Promise.all(
      Array.from({ length: 300 }, (_, i) => mintToken(old, `user-${i}`, { iat: iat() })),
    );
    jwks.state.keys = [next.publicJwk];
    jwks.state.hold = true;
    clock.now += 61_000;
    const first = verify(stolen[0] as string).catch(() => undefined);
    await vi.waitFor(() => expect(jwks.held).toHaveLength(1));
    // Checks under way as the refresh that removes their key lands.
    const checks = stolen.map((token) => verify(token).catch(() => undefined));
    jwks.held.shift()?.();
    await Promise.all([first, ...checks]);
    const late = await mintToken(old, 'late', { iat: iat() });
    await vi.waitFor(() => expect(verify(late)).rejects.toThrow(/No platform key/));
    const kept = [];
    for (const token of stolen) {
      if (await verify(token).then(Boolean, () => false)) kept.push(token);
    }
    expect(kept).toHaveLength(0);
  });
});

describe.each(await storeKinds())(
  'platform keys at a failing JWKS URL, on the %s store',
  (kind) => {
    let db: TestStore;
    let jwks: JwksServer;
    let t: TestApp;
    beforeAll(async () => {
      db = await openTestStore(kind);
      jwks = await jwksServer();
      t = await testApp(db.store, {
        platform: { id: PLATFORM_ID, jwksUrl: jwks.url, secretKeys: [] },
      });
    });
    afterAll(async () => {
      jwks.close();
      await db.cleanup();
    });

    it('keeps the last keys for 10 minutes, logging the failure once, then refuses tokens', async () => {
      const keys = await platformKeys('ES256', `remote-${kind}`);
      jwks.state.keys = [keys.publicJwk];
      const get = async (userId: string) => {
        const token = await mintToken(keys, userId, { iat: Math.floor(t.clock.now / 1000) });
        return t.app.request('/v1/account', { headers: { Authorization: `Bearer ${token}` } });
      };
      const failures = () => t.logs.filter((l) => l.includes('platform_keys.refresh_failed'));
      expect((await get('alice')).status).toBe(200);

      jwks.state.status = 503;
      for (let minute = 1; minute <= 3; minute++) {
        t.clock.now += 61_000;
        // New tokens, so each is checked against the keys rather than found in the cache.
        await vi.waitFor(async () => {
          expect((await get(`user-${minute}`)).status).toBe(200);
          expect(jwks.state.requests).toBe(1 + minute);
        });
      }
      await vi.waitFor(() => expect(failures()).toHaveLength(1));
      expect(JSON.parse(failures()[0] as string)).toMatchObject({ error: expect.any(String) });
      expect(failures()[0]).not.toMatch(/eyJ/);

      // Past the bound, tokens are refused: the platform may have removed a key meanwhile.
      t.clock.now += JWKS_MAX_STALE_MS;
      const refused = await get('alice');
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(
        'The platform keys could not be fetched.',
      );
      expect(failures()).toHaveLength(1);

      jwks.state.status = 200;
      t.clock.now += 31_000;
      expect((await get('alice')).status).toBe(200);
      expect(t.logs.filter((l) => l.includes('platform_keys.refresh_recovered'))).toHaveLength(1);
      // A new streak of failures is logged again.
      jwks.state.status = 500;
      t.clock.now += 61_000;
      expect((await get('bob')).status).toBe(200);
      await vi.waitFor(() => expect(failures()).toHaveLength(2));
    });
  },
);

it('logs why a JWKS URL could not be fetched, not only "fetch failed"', async () => {
  const port = await freePort(); // nothing listens there
  const logs: Record<string, unknown>[] = [];
  const keys = remotePlatformKeys(`http://127.0.0.1:${port}/jwks.json`, {
    now: Date.now,
    log: (line) => logs.push(line),
  });
  await expect(keys.ready()).rejects.toThrow('The platform keys could not be fetched.');
  expect(logs).toEqual([
    {
      event: 'platform_keys.refresh_failed',
      error: 'TypeError',
      message: `fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`,
    },
  ]);
});
