// What a project that installs one of our packages from npm gets: only the package's declared
// dependencies. A built file importing anything else works in this monorepo (hoisted
// node_modules) and breaks for every user, which publint and attw do not check.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const builtins = new Set(builtinModules);

/** `@scope/name/sub` -> `@scope/name`; `name/sub` -> `name`. */
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

const jsFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? jsFiles(join(dir, entry.name))
      : entry.name.endsWith('.js')
        ? [join(dir, entry.name)]
        : [],
  );

/** Bare specifiers of import and export statements, and of dynamic imports. */
const importsOf = (code: string) =>
  [
    ...code.matchAll(/^\s*(?:import|export)\b[^;'"]*?(?:\bfrom\s*)?['"]([^'"]+)['"]/gm),
    ...code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ]
    .map((m) => m[1] as string)
    .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('/'));

describe('published packages', () => {
  for (const dir of ['packages/sdk', 'packages/elements', 'packages/server']) {
    it(`${dir} imports only what it declares`, () => {
      const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
      const declared = new Set([
        pkg.name,
        ...Object.keys(pkg.dependencies ?? {}),
        ...Object.keys(pkg.peerDependencies ?? {}),
      ]);
      const files = jsFiles(join(root, dir, 'dist'));
      expect(files.length).toBeGreaterThan(0);
      const undeclared = new Set<string>();
      for (const file of files) {
        for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
          const name = packageOf(specifier);
          if (!specifier.startsWith('node:') && !builtins.has(name) && !declared.has(name)) {
            undeclared.add(`${name} (${file.slice(root.length + 1)})`);
          }
        }
      }
      expect([...undeclared]).toEqual([]);
    });

    it(`${dir} ships its README and the license its package.json names`, () => {
      const [packed] = JSON.parse(
        execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
          cwd: join(root, dir),
          encoding: 'utf8',
        }),
      );
      const paths = packed.files.map((file: { path: string }) => file.path);
      expect(paths).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json']));
      const license = readFileSync(join(root, dir, 'LICENSE'), 'utf8');
      expect(license).toMatch(/^MIT License/);
      expect(JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')).license).toBe('MIT');
    });
  }
});
