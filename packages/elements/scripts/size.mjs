// Prints what dist/settle-elements.js costs a page: the file itself (Lit, the SDK client and
// every element inside, minified) gzipped, and the chunks it loads only when needed.
// Run after `npm run build`. Target for the file itself: at most 30 kB.
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const LIMIT = 30 * 1024;
const kb = (n) => `${(n / 1024).toFixed(2)} kB`;
const measure = (path) => {
  const code = readFileSync(new URL(`../dist/${path}`, import.meta.url));
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length };
};

const main = measure('settle-elements.js');
const verdict = main.gzip <= LIMIT ? 'target ≤ 30 kB: ok' : 'over the 30 kB target';
console.log(
  `settle-elements.js: ${kb(main.min)} minified, ${kb(main.gzip)} minified + gzipped (${verdict})`,
);
const when = {
  'enrollment-flow': 'when a <settle-enrollment> connects',
  phone: 'with enrollment',
  fr: 'on French pages',
  assistant: 'by loadAssistant()',
};
for (const file of readdirSync(new URL('../dist/chunks', import.meta.url))) {
  const { min, gzip } = measure(`chunks/${file}`);
  // Rollup's hash: 8 characters, which may hold a dash as names do.
  const name = file.replace(/-[\w-]{8}\.js$/, '');
  console.log(
    `  chunks/${file}: ${kb(min)}, ${kb(gzip)} gzipped, loaded ${when[name] ?? 'on demand'}`,
  );
}
if (main.gzip > LIMIT) process.exitCode = 1;
