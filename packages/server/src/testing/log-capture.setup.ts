// A vitest setup file: every console line and every write to stdout or stderr of the test
// workers is kept for the scan for secrets that ends the run (log-scan.global.ts).
import { format } from 'node:util';
import { afterAll } from 'vitest';
import { captureLog, flushCaptured } from './log-capture.js';

// Once per worker, though setup files run before every test file.
const patched = Symbol.for('settle.logCapture');
const global = globalThis as { [patched]?: boolean };
if (!global[patched]) {
  global[patched] = true;
  patchConsole();
}

function patchConsole() {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      captureLog(format(...args));
      original(...args);
    };
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      captureLog(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
      return original(chunk, ...rest);
    }) as typeof stream.write;
  }
}

afterAll(flushCaptured);
