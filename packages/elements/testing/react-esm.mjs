// React ships CommonJS only, which browsers cannot import. For the tests of the React
// wrappers, this web-test-runner plugin serves React and ReactDOM as one ES module (bundled by
// esbuild, so both share one React), and points the bare imports at it.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const BUNDLE = '/__react/bundle.js';
// The names each module exports. React's production build is read for them: the development
// one patches `console`, which the test runner's own console proxy does not survive.
const shims = {
  react: {
    path: '/__react/react.js',
    from: 'React',
    keys: () =>
      Object.keys(require(join(dirname(require.resolve('react')), 'cjs/react.production.js'))),
  },
  'react-dom/client': {
    path: '/__react/react-dom-client.js',
    from: 'ReactDOMClient',
    keys: () => ['createRoot', 'hydrateRoot', 'version'],
  },
};

let bundle;
const bundleCode = async () => {
  bundle ??= build({
    stdin: {
      contents:
        "export * as React from 'react'; export * as ReactDOMClient from 'react-dom/client';",
      resolveDir: process.cwd(),
    },
    bundle: true,
    format: 'esm',
    write: false,
    define: { 'process.env.NODE_ENV': '"development"' },
  }).then((result) => result.outputFiles[0].text);
  return bundle;
};

export function reactEsmPlugin() {
  return {
    name: 'react-esm',
    resolveImport({ source }) {
      return shims[source]?.path;
    },
    async serve(context) {
      if (context.path === BUNDLE) return { body: await bundleCode(), type: 'js' };
      const shim = Object.values(shims).find((s) => s.path === context.path);
      if (!shim) return undefined;
      const names = shim.keys().filter((key) => /^[A-Za-z_$][\w$]*$/.test(key));
      return {
        body: `import { ${shim.from} } from '${BUNDLE}';
export default ${shim.from};
export const { ${names.join(', ')} } = ${shim.from};`,
        type: 'js',
      };
    },
  };
}
