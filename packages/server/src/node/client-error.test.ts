import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServe, startServe } from '../testing/serve.js';

describe('settle serve, for requests Node cannot parse', () => {
  let dataDir: string;
  let server: RunningServe;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'settle-client-error-'));
    server = await startServe(dataDir, { NODE_ENV: 'development' });
  });
  afterAll(() => {
    server.process.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Sends `raw` on a fresh connection and returns all the server wrote back. */
  const send = (raw: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.end(raw));
      let answer = '';
      socket.on('data', (chunk) => {
        answer += chunk;
      });
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
    });

  it('answers headers over 16 kB with 431 in the error shape', async () => {
    const answer = await send(
      `GET /v1/account HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head).toContain('Content-Type: application/json');
    expect(JSON.parse(body ?? '')).toEqual({
      error: {
        type: 'invalid_request_error',
        code: 'headers_too_large',
        message: 'Request headers are limited to 16 kB.',
      },
    });
  });

  it('answers broken HTTP with 400 in the error shape', async () => {
    const answer = await send('BREW /coffee HTCPCP/1.0\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(answer.split('\r\n\r\n')[1] ?? '').error.code).toBe('request_invalid');
  });
});
