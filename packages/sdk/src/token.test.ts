import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mintToken, platformKeys } from '../../server/src/testing/platform.js';
import { AuthenticationError, SettleError } from './errors.js';
import { startServer, type TestServer } from './testing/server.js';
import { tokenExpiry } from './token.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());
afterEach(() => {
  vi.useRealTimers();
});

describe('tokenExpiry', () => {
  it('reads exp from a JWT without verifying it', async () => {
    const token = await server.token('alice', 600);
    expect(tokenExpiry(token)).toBe((Math.floor(server.clock.now / 1000) + 600) * 1000);
  });

  it('answers undefined for tokens it cannot read', () => {
    expect(tokenExpiry('opaque-session-token')).toBeUndefined();
    expect(tokenExpiry('a.!!!.c')).toBeUndefined();
  });
});

describe('getToken', () => {
  it('is called once for many calls while the token is fresh', async () => {
    const getToken = vi.fn(() => server.token('alice'));
    const settle = server.settleFor('alice', { getToken });
    await Promise.all([settle.account.get(), settle.account.get(), settle.account.get()]);
    await settle.account.get();
    expect(getToken).toHaveBeenCalledTimes(1);
  });

  it('is called again when the token nears its expiry', async () => {
    const getToken = vi.fn(() => server.token('alice', 120));
    const settle = server.settleFor('alice', { getToken });
    await settle.account.get();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 60_000);
    await settle.account.get();
    expect(getToken).toHaveBeenCalledTimes(1);
    vi.setSystemTime(Date.now() + 45_000);
    await settle.account.get();
    expect(getToken).toHaveBeenCalledTimes(2);
  });

  it('is called again after a 401, and the call is retried once with the new token', async () => {
    const strangers = await platformKeys();
    const tokens = [await mintToken(strangers, 'alice'), await server.token('alice')];
    const getToken = vi.fn(async () => tokens.shift() ?? 'none left');
    const settle = server.settleFor('alice', { getToken });
    expect((await settle.account.get()).userId).toBe('alice');
    expect(getToken).toHaveBeenCalledTimes(2);
  });

  it('gives up with an AuthenticationError when the fresh token is refused too', async () => {
    const strangers = await platformKeys();
    const getToken = vi.fn(() => mintToken(strangers, 'alice'));
    const settle = server.settleFor('alice', { getToken });
    const error = await settle.account.get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, type: 'authentication_error' });
    expect(getToken).toHaveBeenCalledTimes(2);
  });

  it('reports its own failure as a SettleError with the cause, then asks again next time', async () => {
    const getToken = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(new Error('signed out'))
      .mockImplementation(() => server.token('alice'));
    const settle = server.settleFor('alice', { getToken });
    const error = await settle.account.get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SettleError);
    expect((error as Error).cause).toEqual(new Error('signed out'));
    expect((await settle.account.get()).userId).toBe('alice');
  });
});
