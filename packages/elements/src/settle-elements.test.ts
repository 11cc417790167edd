import { expect } from '@open-wc/testing';
import * as bundle from './settle-elements.js';
import { enroll, settleUrl, tokenUrl, uid } from './testing/server.js';

describe('settle-elements.js, for pages without a build', () => {
  it('exports the client and the error classes its calls throw', async () => {
    const user = uid('bundle');
    await enroll(user);
    const settle = bundle.createSettle({
      baseUrl: await settleUrl(),
      getToken: () => fetch(tokenUrl(user)).then((res) => res.text()),
    });
    const wrongPin = await settle.authorizations
      .create({ pin: '192837', amount: { value: 5000, currency: 'EUR' }, payeeId: uid('bob') })
      .catch((error: unknown) => error);
    expect(wrongPin).to.be.instanceOf(bundle.SettleError);
    expect(wrongPin).to.be.instanceOf(bundle.SettleApiError);
    expect(wrongPin).to.be.instanceOf(bundle.AuthenticationError);
  });
});
