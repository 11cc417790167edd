// Component tests in real Chromium (Debian's /usr/bin/chromium; never a downloaded browser),
// against a real Settle server on another origin (packages/elements/testing/settle-server.mjs).
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { cardFrameCommand } from './packages/elements/testing/card-frame-command.mjs';
import { failingModulesCommand } from './packages/elements/testing/failing-modules.mjs';
import { reactEsmPlugin } from './packages/elements/testing/react-esm.mjs';
import { settleServerPlugin } from './packages/elements/testing/settle-server.mjs';
import { chromiumLaunchOptions } from './scripts/chromium.mjs';

export default {
  files: ['packages/elements/src/**/*.test.ts'],
  nodeResolve: true,
  // The French strings arrive late, as on a slow phone: elements must not show English meanwhile.
  middleware: [
    async (ctx, next) => {
      if (/\/i18n\/generated\/fr\.[jt]s$/.test(ctx.path)) {
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
      return next();
    },
  ],
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: 'packages/elements/tsconfig.json' }),
    settleServerPlugin(),
    reactEsmPlugin(),
    cardFrameCommand(),
    failingModulesCommand(),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: chromiumLaunchOptions,
    }),
  ],
  // One page at a time: keyboard and focus tests need the focused page, and a page in the
  // background gets no animation frames.
  concurrency: 1,
  // Lit's dev-mode notice is expected in tests and hides real warnings.
  filterBrowserLogs: ({ args }) => !String(args[0]).includes('Lit is in dev mode'),
  // Generous: flows cross a real server on a machine shared with other work.
  testFramework: { config: { timeout: 20000 } },
};
