import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

it('the README asks for the Node version the packages require', () => {
  const { engines } = JSON.parse(read('package.json')) as { engines: { node: string } };
  const minimum = engines.node.replace('>=', '');
  expect(read('README.md')).toContain(`Needs Node.js ${minimum} or later`);
  expect(read('docs/development.md')).toContain(`requires Node.js ${minimum} or later`);
});
