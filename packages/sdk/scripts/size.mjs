// Prints what each entry costs an app: bundled with its dependencies, minified, gzipped.
// Run after `npm run build`. Target for the core entry: at most 6 kB.
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const LIMIT = 6 * 1024;
const entries = {
  '@settle/sdk': 'dist/index.js',
  '@settle/sdk/phone': 'dist/phone/index.js',
  '@settle/sdk/assistant': 'dist/assistant/index.js',
};

for (const [name, file] of Object.entries(entries)) {
  const result = await build({
    entryPoints: [file],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
  });
  const code = result.outputFiles[0].contents;
  const gzip = gzipSync(code, { level: 9 }).length;
  const kb = (n) => `${(n / 1024).toFixed(2)} kB`;
  const verdict =
    name === '@settle/sdk'
      ? gzip <= LIMIT
        ? ' (target ≤ 6 kB: ok)'
        : ' (over the 6 kB target)'
      : '';
  console.log(`${name}: ${kb(code.length)} minified, ${kb(gzip)} minified + gzipped${verdict}`);
  if (name === '@settle/sdk' && gzip > LIMIT) process.exitCode = 1;
}
