import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ConflictError,
  IdempotencyError,
  InvalidRequestError,
  NotFoundError,
} from '../errors.js';
import { eur, eventually, PIN, startServer, type TestServer } from '../testing/server.js';
import type { Transfer } from '../types.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const completed = (t: Transfer) => t.status === 'completed';

describe('transfers through the SDK, against the real server', () => {
  it('sends money in a conversation, and the recipient sees it complete', async () => {
    const alice = await server.enroll('alice');
    const bob = await server.enroll('bob');
    const transfer = await alice.transfers.create({
      recipientId: 'bob',
      amount: eur(2050),
      note: 'Pizza',
      conversationId: 'c_pizza',
    });
    expect(transfer).toMatchObject({
      id: expect.stringMatching(/^tr_/),
      senderId: 'alice',
      recipientId: 'bob',
      amount: eur(2050),
      note: 'Pizza',
      conversationId: 'c_pizza',
      requestId: null,
    });
    const seen = await eventually(() => bob.transfers.get(transfer.id), completed);
    expect(seen.completedAt).not.toBeNull();
    expect(seen.availableAt).not.toBeNull();
  });

  it('lists a conversation’s history newest first, by page and with for await', async () => {
    const carol = await server.enroll('carol');
    await server.enroll('dan');
    const sent: string[] = [];
    for (const value of [100, 200, 300]) {
      server.clock.now += 1000;
      const t = await carol.transfers.create({
        recipientId: 'dan',
        amount: eur(value),
        conversationId: 'c_history',
      });
      sent.unshift(t.id);
    }
    await carol.transfers.create({
      recipientId: 'dan',
      amount: eur(50),
      conversationId: 'c_other',
    });

    const first = await carol.transfers.list({ conversationId: 'c_history', limit: 2 });
    expect(first.data.map((t) => t.id)).toEqual(sent.slice(0, 2));
    expect(first.hasMore).toBe(true);
    const second = await first.nextPage();
    expect(second?.data.map((t) => t.id)).toEqual(sent.slice(2));
    expect(second?.hasMore).toBe(false);
    expect(await second?.nextPage()).toBeNull();

    const all: string[] = [];
    for await (const t of carol.transfers.list({ conversationId: 'c_history', limit: 2 })) {
      all.push(t.id);
    }
    expect(all).toEqual(sent);
  });

  it('keeps conversation ids exact through query strings, page after page', async () => {
    const kate = await server.enroll('kate');
    await server.enroll('liam');
    // Told apart only if `+`, spaces, `#`, `&` and `%` survive the query string undecoded.
    const rooms = ['!room+1:matrix.org/#général&x=%41', '!room 1:matrix.org/#général&x=A'];
    const sent = rooms.map((): string[] => []);
    for (const value of [100, 200]) {
      for (const [i, conversationId] of rooms.entries()) {
        server.clock.now += 1000;
        const t = await kate.transfers.create({
          recipientId: 'liam',
          amount: eur(value),
          conversationId,
        });
        sent[i]?.unshift(t.id);
      }
    }
    for (const [i, conversationId] of rooms.entries()) {
      const seen: string[] = [];
      for await (const t of kate.transfers.list({ conversationId, limit: 1 })) {
        expect(t.conversationId).toBe(conversationId);
        seen.push(t.id);
      }
      expect(seen).toEqual(sent[i]);
    }
  });

  it('hides a transfer from users who are not part of it', async () => {
    const erin = await server.enroll('erin');
    await server.enroll('fred');
    const transfer = await erin.transfers.create({ recipientId: 'fred', amount: eur(500) });
    const stranger = server.settleFor('gina');
    await expect(stranger.transfers.get(transfer.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('answers a repeated idempotency key with the first transfer, and refuses it for another body', async () => {
    const hugo = await server.enroll('hugo');
    await server.enroll('iris');
    const params = { recipientId: 'iris', amount: eur(700) };
    const first = await hugo.transfers.create(params, { idempotencyKey: 'order-1' });
    const again = await hugo.transfers.create(params, { idempotencyKey: 'order-1' });
    expect(again.id).toBe(first.id);
    await expect(
      hugo.transfers.create({ ...params, amount: eur(701) }, { idempotencyKey: 'order-1' }),
    ).rejects.toBeInstanceOf(IdempotencyError);
    const { data } = await hugo.transfers.list();
    expect(data.map((t) => t.id)).toEqual([first.id]);
  });

  it('asks for the PIN above the exemption, then sends with the authorization', async () => {
    const jade = await server.enroll('jade');
    await server.enroll('karl');
    const amount = eur(5000);
    const refused = await jade.transfers
      .create({ recipientId: 'karl', amount })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect(refused).toMatchObject({ status: 403, code: 'authentication_required' });

    await expect(
      jade.authorizations.create({ pin: '111222', amount, payeeId: 'karl' }),
    ).rejects.toMatchObject({ status: 403, code: 'authentication_failed' });

    const { authorization, expiresAt } = await jade.authorizations.create({
      pin: PIN,
      amount,
      payeeId: 'karl',
    });
    expect(Date.parse(expiresAt)).toBeGreaterThan(server.clock.now);
    const transfer = await jade.transfers.create({ recipientId: 'karl', amount, authorization });
    expect(transfer.amount).toEqual(amount);
    expect((await jade.transfers.list()).data).toHaveLength(1);
  });

  it('holds money for someone not enrolled yet, until the sender cancels', async () => {
    const lea = await server.enroll('lea');
    const transfer = await lea.transfers.create({ recipientId: 'not-enrolled', amount: eur(900) });
    expect(transfer.status).toBe('awaiting_recipient');
    expect(transfer.expiresAt).not.toBeNull();
    const canceled = await lea.transfers.cancel(transfer.id);
    expect(canceled.status).toBe('canceled');
    // Canceling again answers the same: the first cancel stands.
    expect((await lea.transfers.cancel(transfer.id)).status).toBe('canceled');
  });

  it('refuses to cancel a transfer that completed', async () => {
    const nina = await server.enroll('nina');
    await server.enroll('omar');
    const sent = await nina.transfers.create({ recipientId: 'omar', amount: eur(400) });
    await eventually(() => nina.transfers.get(sent.id), completed);
    await expect(nina.transfers.cancel(sent.id)).rejects.toMatchObject({
      constructor: ConflictError,
      code: 'transfer_not_cancelable',
    });
  });

  it('refuses an amount that is not whole minor units, naming the field', async () => {
    const max = await server.enroll('max');
    const error = await max.transfers
      .create({ recipientId: 'alice', amount: { value: 20.5, currency: 'EUR' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ status: 400, param: 'amount.value' });
    expect((await max.transfers.list()).data).toEqual([]);
  });
  it('sends its deviceId, so a new device needs the PIN for its first payment', async () => {
    await server.enroll('dora');
    await server.enroll('eli');
    const phone = server.settleFor('dora', { deviceId: 'dora-phone-01' });
    const laptop = server.settleFor('dora', { deviceId: 'dora-laptop-01' });
    const amount = eur(500);
    const { authorization } = await phone.authorizations.create({
      pin: PIN,
      amount,
      payeeId: 'eli',
    });
    await phone.transfers.create({ recipientId: 'eli', amount, authorization });
    await expect(laptop.transfers.create({ recipientId: 'eli', amount })).rejects.toMatchObject({
      code: 'authentication_required',
    });
    expect((await phone.transfers.create({ recipientId: 'eli', amount })).status).toBe('completed');
  });
});
