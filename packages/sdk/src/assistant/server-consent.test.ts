// Through the built package's two ESM entry points, as an app imports them (`npm run build`).
import { createSettle, SettleApiError, SettleError } from '@settle/sdk';
import { ConsentStoreError, serverConsent } from '@settle/sdk/assistant';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../testing/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('errors of the assistant entry', () => {
  it('are SettleErrors of the core entry, so one instanceof catches every SDK error', async () => {
    const consent = serverConsent({ baseUrl: server.baseUrl, token: 'not-a-token' });
    const refusal = await consent.load().catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ConsentStoreError);
    expect(refusal).toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(refusal).toBeInstanceOf(SettleError);

    const settle = createSettle({ baseUrl: server.baseUrl, getToken: () => 'not-a-token' });
    const apiError = await settle.account.get().catch((e: unknown) => e);
    expect(apiError).toBeInstanceOf(SettleApiError);
    expect(apiError).toBeInstanceOf(SettleError);
  });
});
