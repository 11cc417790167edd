// The reference docs are generated: these tests fail when the API or the elements changed and
// docs/reference/ was not regenerated (`npm run docs:reference` rewrites it).
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { testApp } from '../../packages/server/src/testing/platform.js';
import { openTestStore } from '../../packages/server/src/testing/stores.js';
import { type OpenApiDocument, renderApiReference } from './api-reference.js';
import { type Manifest, renderElementsReference } from './elements-reference.js';

describe('docs/reference', () => {
  it('api.md is the OpenAPI document the server serves today', async () => {
    const db = await openTestStore('sqlite');
    try {
      const { app } = await testApp(db.store);
      const document = (await (await app.request('/openapi.json')).json()) as OpenApiDocument;
      const markdown = renderApiReference(document);
      for (const path of Object.keys(document.paths)) expect(markdown).toContain(path);
      await expect(markdown).toMatchFileSnapshot('../../docs/reference/api.md');
    } finally {
      await db.cleanup();
    }
  });

  it('elements.md is the Custom Elements Manifest of the built elements', async () => {
    const file = new URL('../../packages/elements/custom-elements.json', import.meta.url);
    const manifest = JSON.parse(
      await readFile(file, 'utf8').catch(() => {
        throw new Error('custom-elements.json is written by the build: run `npm run build` first.');
      }),
    ) as Manifest;
    const markdown = renderElementsReference(manifest);
    for (const tag of ['settle-provider', 'settle-send-money-button', 'settle-enrollment']) {
      expect(markdown).toContain(`## \`<${tag}>\``);
    }
    await expect(markdown).toMatchFileSnapshot('../../docs/reference/elements.md');
  });
});
