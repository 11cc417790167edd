// In a file of its own: the page must not have loaded the enrollment steps before.
import { expect, fixture, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../provider/define.js';
import './define.js';
import { expectAccessible } from '../testing/a11y.js';
import { inShadow, settleUrl, textOf, tokenUrl, uid, until } from '../testing/server.js';
import type { SettleEnrollment } from './enrollment.component.js';

describe('settle-enrollment while its steps cannot load', () => {
  afterEach(() => executeServerCommand('fail-module', { path: null }));

  it('says so, and offers to reload the page', async () => {
    await executeServerCommand('fail-module', { path: 'enrollment-flow' });
    const provider = await fixture(html`<settle-provider
      base-url=${await settleUrl()}
      token-url=${tokenUrl(uid('nina'))}
    >
      <settle-enrollment></settle-enrollment>
    </settle-provider>`);
    const el = provider.querySelector('settle-enrollment') as SettleEnrollment;
    const alert = await until(() => el.shadowRoot?.querySelector('[role="alert"]'));
    expect(textOf(alert)).to.equal(
      'Payment set-up could not be loaded. Check your connection, then reload.',
    );
    expect(textOf(inShadow(el, 'button'))).to.equal('Reload');
    expect(el.shadowRoot?.querySelector('[aria-busy="true"]')).to.equal(null);
    await expectAccessible(el, 'steps not loaded');
  });
});
