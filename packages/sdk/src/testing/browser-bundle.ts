import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * An SDK entry (the core by default) as a browser gets it: bundled for the browser platform,
 * no Node built-ins.
 */
export const browserBundle = async (entry = '../index.ts') =>
  (
    await build({
      entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
    })
  ).outputFiles[0]?.text ?? '';
