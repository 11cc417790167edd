// Throughput of the built money detector on one core: runs the labelled corpus over and
// over for a few seconds. Build first (`npm run build` at the repository root).
import { readFileSync } from 'node:fs';
import { detectMoneyIntent } from '../dist/assistant/index.js';

const corpus = JSON.parse(
  readFileSync(new URL('../src/assistant/corpus/money-intent.json', import.meta.url), 'utf8'),
);
const texts = corpus.map((e) => e.text);
const options = corpus.map((e) => ({ locale: e.locale, currency: e.currency }));
const seconds = Number(process.env.BENCH_SECONDS ?? 3);

// Warm up so the JIT has compiled the hot paths before timing.
for (let i = 0; i < 20_000; i++)
  detectMoneyIntent(texts[i % texts.length], options[i % texts.length]);

let count = 0;
let found = 0;
const start = performance.now();
const deadline = start + seconds * 1000;
while (performance.now() < deadline) {
  for (let i = 0; i < texts.length; i++) {
    if (detectMoneyIntent(texts[i], options[i]) !== null) found++;
  }
  count += texts.length;
}
const elapsed = (performance.now() - start) / 1000;
console.log(`detectMoneyIntent: ${Math.round(count / elapsed)} messages/s`);
console.log(`(${count} messages in ${elapsed.toFixed(2)} s, ${found} with an intent)`);
