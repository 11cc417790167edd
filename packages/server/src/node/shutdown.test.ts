import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FR_CARD } from '../testing/platform.js';
import { cli, type RunningServe, startServe } from '../testing/serve.js';

describe('settle serve on SIGTERM', () => {
  let dataDir: string;
  let base: string;
  let server: RunningServe;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'settle-shutdown-'));
    // A slow card network: a transfer is in flight for 2 x 1.5 s.
    server = await startServe(dataDir, {
      NODE_ENV: 'development',
      SETTLE_SANDBOX_LATENCY_MS: '1500',
    });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(() => {
    server.process.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers requests in flight with Connection: close, ends event streams at once, exits', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      cli,
      'token',
      'alice',
      '--data',
      dataDir,
    ]);
    const auth = { Authorization: `Bearer ${stdout.trim()}`, 'Content-Type': 'application/json' };
    type Answer = { token?: string; status?: string; data?: { phone: string; body: string }[] };
    const call = async (method: string, path: string, body?: unknown): Promise<Answer> =>
      (
        await fetch(`${base}${path}`, {
          method,
          headers: auth,
          ...(body ? { body: JSON.stringify(body) } : {}),
        })
      ).json() as Promise<Answer>;
    const phone = '+33612345678';
    await call('PUT', '/v1/account/profile', { legalName: 'Alice Martin', country: 'FR', phone });
    const card = await call('POST', '/v1/card-tokens', {
      number: FR_CARD,
      expMonth: 12,
      expYear: new Date().getFullYear() + 3,
      cvc: '123',
    });
    await call('POST', '/v1/account/card', { token: card.token });
    await call('PUT', '/v1/account/pin', { pin: '914273' });
    const sms = await call('GET', '/dev/sms');
    const code = sms.data?.find((m) => m.phone === phone)?.body.match(/\d{6}/)?.[0];
    expect((await call('POST', '/v1/account/verification/check', { code })).status).toBe('active');

    const stream = await fetch(`${base}/v1/events`, { headers: auth });
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    // Held for Bob, who has not enrolled: one 1.5 s charge.
    const body = JSON.stringify({ recipientId: 'bob', amount: { value: 1000, currency: 'EUR' } });
    const transfer = new Promise<{ status?: number; connection?: string; body: string }>(
      (resolve, reject) => {
        const req = request(`${base}/v1/transfers`, {
          method: 'POST',
          headers: { ...auth, 'Idempotency-Key': crypto.randomUUID() },
        });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk;
          });
          res.on('end', () =>
            resolve({ status: res.statusCode, connection: res.headers.connection, body: text }),
          );
        });
        req.on('error', reject);
        req.end(body);
      },
    );
    await new Promise((r) => setTimeout(r, 300));
    const stopAt = performance.now();
    server.process.kill('SIGTERM');

    // The stream ends at once, for its client to resume on another process.
    while (!(await reader.read()).done) {}
    expect(performance.now() - stopAt).toBeLessThan(1000);
    // New connections are refused.
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    // The transfer in flight is answered, and its connection not kept for another request.
    const answered = await transfer;
    expect(answered.status).toBe(201);
    expect(JSON.parse(answered.body).status).toBe('awaiting_recipient');
    expect(answered.connection).toBe('close');
    expect(await server.exited).toBe(0);
  }, 20_000);
});
