import { expect } from '@open-wc/testing';
import type { Transfer } from '@settle/sdk';
import { createElement as h } from 'react';
import { createRoot } from 'react-dom/client';
import { enroll, inShadow, settleUrl, textOf, tokenUrl, uid, until } from '../testing/server.js';
import { PaymentBubble, Provider, SendMoneyButton } from './index.js';

describe('React wrappers', () => {
  it('pass properties and functions, and call on… props for events', async () => {
    const [alice, bob] = [uid('alice'), uid('bob')];
    await Promise.all([enroll(alice), enroll(bob)]);
    const baseUrl = await settleUrl();
    const container = document.createElement('div');
    document.body.append(container);
    const root = createRoot(container);
    const sent: Transfer[] = [];
    const render = (transfer?: Transfer) =>
      root.render(
        h(
          Provider,
          {
            baseUrl,
            getToken: () => fetch(tokenUrl(alice)).then((res) => res.text()),
            displayName: (id: string) => (id === bob ? 'Bob' : id),
            lang: 'en',
          },
          h(SendMoneyButton, {
            recipientId: bob,
            onSettleTransfer: (event: CustomEvent<{ transfer: Transfer }>) => {
              sent.push(event.detail.transfer);
              render(event.detail.transfer);
            },
          }),
          transfer ? h(PaymentBubble, { transfer }) : null,
        ),
      );
    try {
      render();
      const button = await until(() => container.querySelector('settle-send-money-button'));
      await until(() => !inShadow<HTMLButtonElement>(button, '[part="button"]').disabled);
      await button.open({ amount: 900 });
      inShadow<HTMLButtonElement>(button, '[part="submit"]').click();
      await until(() => sent.length === 1);
      const bubble = await until(() => container.querySelector('settle-payment-bubble'));
      await until(() => bubble.shadowRoot?.querySelector('[part="status"]'));
      expect(textOf(inShadow(bubble, '[part="bubble"]')))
        .to.contain('€9.00')
        .and.contain('To: Bob');
    } finally {
      root.unmount();
      container.remove();
    }
  });
});
