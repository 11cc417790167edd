// Builds every workspace: ESM + .d.ts per entry (entries come from each package's
// `exports` and the modules its committed `bin` shims import, so the build cannot
// drift from what is published), plus the
// one-file browser bundle of the elements with Lit inside.
import { readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import nodeResolve from '@rollup/plugin-node-resolve';
import typescript from '@rollup/plugin-typescript';
import { transform } from 'esbuild';

const workspaces = JSON.parse(readFileSync('package.json', 'utf8')).workspaces;
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** `./dist/a/b.js` -> `a/b`, the entry name that lands at dist/a/b.js. */
const entryName = (distPath) => distPath.replace(/^\.\/dist\//, '').replace(/\.js$/, '');

/** `bin/settle.js` holds `import('../dist/node/cli.js')`: that module is an entry too. */
const binTargets = (dir, pkg) =>
  Object.values(pkg.bin ?? {}).flatMap((bin) =>
    [...readFileSync(`${dir}/${bin}`, 'utf8').matchAll(/import\(?'\.\.(\/dist\/[^']+)'/g)].map(
      (m) => `.${m[1]}`,
    ),
  );

function entriesOf(dir, pkg) {
  const targets = binTargets(dir, pkg);
  for (const value of Object.values(pkg.exports ?? {})) {
    targets.push(typeof value === 'string' ? value : value.import);
  }
  const entries = {};
  for (const target of targets) {
    if (!target.startsWith('./dist/')) continue;
    const name = entryName(target);
    // The browser bundle has its own build below.
    if (name !== 'settle-elements') entries[name] = `src/${name}.ts`;
  }
  return entries;
}

const isBare = (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0');

const packageBuild = (dir) => {
  const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
  const input = Object.fromEntries(
    Object.entries(entriesOf(dir, pkg)).map(([name, file]) => [name, `${dir}/${file}`]),
  );
  return {
    input,
    external: (id) => isBare(id) || builtins.has(id),
    output: {
      dir: `${dir}/dist`,
      format: 'es',
      preserveModules: true,
      preserveModulesRoot: `${dir}/src`,
    },
    plugins: [
      typescript({
        tsconfig: `${dir}/tsconfig.json`,
        // The plugin's default (ESNext) clashes with the NodeNext resolution of the tsconfigs,
        // which then cannot read some packages' types (the React wrappers' came out `any`).
        module: 'NodeNext',
        outDir: `${dir}/dist`,
        declarationDir: `${dir}/dist`,
        // Test support (src/testing) may reach into other workspaces' sources.
        exclude: ['**/*.test.ts', '**/testing/**'],
      }),
    ],
  };
};

/** Minifies each chunk of the browser bundle (esbuild: already the test runner's compiler). */
const minify = {
  name: 'minify',
  async renderChunk(code) {
    const result = await transform(code, {
      minify: true,
      format: 'esm',
      target: 'es2022',
      // Once each, at the end, rather than before each module of Lit that carries one.
      legalComments: 'eof',
    });
    // Whitespace inside template literals is left alone: esbuild writes some string escapes
    // as the characters themselves there (Lit's attribute regex holds a space, a tab and a
    // line break), so collapsing it would break Lit's bindings.
    return { code: result.code, map: null };
  },
};

// One file to load with <script type="module">. What only some pages need is split into
// chunks beside it: enrollment's steps (loaded when a <settle-enrollment> connects) and the
// phone metadata they use, the French messages, the assistant.
const elementsBundle = {
  input: 'packages/elements/src/settle-elements.ts',
  // The chunks import what they share with the entry from the entry itself.
  preserveEntrySignatures: 'allow-extension',
  output: {
    dir: 'packages/elements/dist',
    format: 'es',
    entryFileNames: 'settle-elements.js',
    chunkFileNames: 'chunks/[name]-[hash].js',
  },
  plugins: [
    {
      // Chunk names carry a hash: the previous build's would pile up.
      name: 'clean-chunks',
      buildStart: () => rmSync('packages/elements/dist/chunks', { recursive: true, force: true }),
    },
    minify,
    nodeResolve({ browser: true }),
    typescript({
      tsconfig: 'packages/elements/tsconfig.json',
      module: 'NodeNext',
      declaration: false,
      outDir: 'packages/elements/dist',
      exclude: ['**/*.test.ts', '**/testing/**'],
    }),
  ],
};

// The demo chat's page script (the chat shell; the elements come from their own bundle).
const demoPage = {
  input: 'apps/demo/src/page/main.ts',
  output: { file: 'apps/demo/dist/browser/demo.js', format: 'es' },
  plugins: [
    minify,
    nodeResolve({ browser: true }),
    typescript({
      tsconfig: 'apps/demo/src/page/tsconfig.json',
      module: 'NodeNext',
      outDir: 'apps/demo/dist/browser',
    }),
  ],
};

export default [...workspaces.map(packageBuild), elementsBundle, demoPage];
