import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { inject } from 'vitest';

declare module 'vitest' {
  interface ProvidedContext {
    /** Where every worker writes the log output and the secrets of its tests. */
    logCaptureDir: string;
  }
}

/** What a test sent the server that must never come back out in a log line. */
export type SecretKind = 'pan' | 'cvc' | 'pin' | 'otp';

const lines: string[] = [];
const secrets: string[] = [];

/** Keeps a line of log output (a server log line, console output) for the final scan. */
export function captureLog(text: string) {
  lines.push(text);
}

/** Remembers a secret a test used, so the final scan looks for it in every log line. */
export function captureSecret(kind: SecretKind, value: unknown) {
  if (typeof value === 'string' && value) secrets.push(JSON.stringify({ kind, value }));
}

/** Secrets in a request body a test sends: card number, CVC, PIN, SMS code. */
export function captureBodySecrets(body: unknown) {
  if (!body || typeof body !== 'object') return;
  const b = body as Record<string, unknown>;
  if (typeof b.number === 'string' && /^\d{12,19}$/.test(b.number)) captureSecret('pan', b.number);
  if ('number' in b) captureSecret('cvc', b.cvc);
  captureSecret('pin', b.pin);
  captureSecret('pin', b.currentPin);
  captureSecret('otp', b.code);
}

/** Appends what was captured to this worker's files; called after each test file. */
export function flushCaptured() {
  const dir = inject('logCaptureDir');
  if (!dir) return;
  const name = `${process.pid}-${threadId}`;
  if (lines.length > 0) appendFileSync(join(dir, `${name}.log`), `${lines.join('\n')}\n`);
  if (secrets.length > 0) appendFileSync(join(dir, `${name}.secrets`), `${secrets.join('\n')}\n`);
  lines.length = 0;
  secrets.length = 0;
}
