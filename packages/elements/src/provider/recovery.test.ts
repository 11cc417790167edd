import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { Account } from '@settle/sdk';
import './define.js';
import { enroll, settleUrl, tokenUrl, uid } from '../testing/server.js';
import type { SettleProvider } from './provider.component.js';

describe('settle-provider while Settle cannot be reached', () => {
  it('reads the account by itself once Settle is back, with no element listening live', async () => {
    const user = uid('nina');
    await enroll(user);
    const settle = await settleUrl();
    const realFetch = window.fetch;
    let down = true;
    // Settle unreachable, as when its server is stopped: the page's own server still answers.
    window.fetch = (input, init) =>
      down && String(input instanceof Request ? input.url : input).startsWith(settle)
        ? Promise.reject(new TypeError('Failed to fetch'))
        : realFetch(input, init);
    try {
      const failed = new Promise((resolve) => document.addEventListener('settle-error', resolve));
      const el = await fixture<SettleProvider>(
        html`<settle-provider base-url=${settle} token-url=${tokenUrl(user)}></settle-provider>`,
      );
      await failed;
      const loaded = oneEvent(el, 'settle-account');
      down = false;
      const { account } = (await loaded).detail as { account: Account };
      expect(account).to.include({ userId: user, status: 'active' });
    } finally {
      window.fetch = realFetch;
    }
  });
});
