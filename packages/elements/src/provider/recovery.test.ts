import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { Account } from '@settle/sdk';
import './define.js';
import { enroll, settleDown, settleUrl, tokenUrl, uid } from '../testing/server.js';
import type { SettleProvider } from './provider.component.js';

describe('settle-provider while Settle cannot be reached', () => {
  it('reads the account by itself once Settle is back, with no element listening live', async () => {
    const user = uid('nina');
    await enroll(user);
    const settle = await settleUrl();
    const outage = await settleDown();
    try {
      const failed = new Promise((resolve) => document.addEventListener('settle-error', resolve));
      const el = await fixture<SettleProvider>(
        html`<settle-provider base-url=${settle} token-url=${tokenUrl(user)}></settle-provider>`,
      );
      await failed;
      const loaded = oneEvent(el, 'settle-account');
      outage.back();
      const { account } = (await loaded).detail as { account: Account };
      expect(account).to.include({ userId: user, status: 'active' });
    } finally {
      outage.restore();
    }
  });
});
