// In a file of its own: the page must not have loaded the phone metadata before.
import { expect, fixture, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../provider/define.js';
import './define.js';
import { inShadow, settleUrl, textOf, tokenUrl, uid, until } from '../testing/server.js';
import type { SettleEnrollment } from './enrollment.component.js';

describe('settle-enrollment while the phone metadata cannot load', () => {
  afterEach(() => executeServerCommand('fail-module', { path: null }));

  it('says so on the profile step, and again on Continue, instead of doing nothing', async () => {
    await executeServerCommand('fail-module', { path: '/phone/' });
    const provider = await fixture(html`<settle-provider
      base-url=${await settleUrl()}
      token-url=${tokenUrl(uid('omar'))}
    >
      <settle-enrollment></settle-enrollment>
    </settle-provider>`);
    const el = provider.querySelector('settle-enrollment') as SettleEnrollment;
    const said = 'Payment set-up could not be loaded. Check your connection, then reload.';
    const error = () => {
      const p = el.shadowRoot?.querySelector('[part="error"]');
      return p ? textOf(p) : '';
    };
    await until(() => error() === said, 8000, 'the error on the profile step');
    expect(textOf(inShadow(el, '[part="heading"]'))).to.equal('About you');
    inShadow<HTMLInputElement>(el, '#name').value = 'Omar Haddad';
    inShadow<HTMLInputElement>(el, '#phone').value = '0612345678';
    // Continue cannot check the number: it says why, and throws nothing unhandled.
    const unhandled: unknown[] = [];
    const onRejection = (event: PromiseRejectionEvent) => unhandled.push(event.reason);
    window.addEventListener('unhandledrejection', onRejection);
    try {
      inShadow<HTMLButtonElement>(el, '[part="submit"]').click();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await el.updateComplete;
    } finally {
      window.removeEventListener('unhandledrejection', onRejection);
    }
    expect(unhandled).to.deep.equal([]);
    expect(error()).to.equal(said);
    expect(textOf(inShadow(el, '[part="heading"]'))).to.equal('About you');
  });
});
