import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The SDK's core as a browser gets it: bundled for the browser platform, no Node built-ins. */
export const browserBundle = async () =>
  (
    await build({
      entryPoints: [fileURLToPath(new URL('../index.ts', import.meta.url))],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
    })
  ).outputFiles[0]?.text ?? '';
