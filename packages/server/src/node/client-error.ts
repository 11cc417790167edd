import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

const answers: Record<string, [status: number, code: string, message: string]> = {
  HPE_HEADER_OVERFLOW: [431, 'headers_too_large', 'Request headers are limited to 16 kB.'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout', 'The request took too long to arrive.'],
};

/**
 * Node answers requests it cannot parse (headers over 16 kB, broken HTTP) before the app
 * sees them, with a bare status line: this answers in the API's error shape instead.
 *
 * @example
 * server.on('clientError', answerClientError);
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex) {
  // Gone, or already answered: nothing to say.
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, message] = answers[error.code ?? ''] ?? [
    400,
    'request_invalid',
    'This is not a valid HTTP request.',
  ];
  const body = JSON.stringify({ error: { type: 'invalid_request_error', code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
