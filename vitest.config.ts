import { defineConfig } from 'vitest/config';

// Node tests: every workspace except the elements, whose tests run in Chromium, and the docs'
// tests (scripts/docs: generated references, quickstart snippets, the guides' types). All
// their log output is captured and, at the end, scanned for card numbers, CVCs, PINs and SMS
// codes.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['packages/elements/**', '**/node_modules/**', '**/dist/**'],
    setupFiles: ['packages/server/src/testing/log-capture.setup.ts'],
    globalSetup: ['packages/server/src/testing/log-scan.global.ts'],
  },
});
