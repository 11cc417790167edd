import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettleApiError } from '../errors.js';
import { eur, eventually, startServer, type TestServer } from '../testing/server.js';
import type { MoneyRequest } from '../types.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('money requests through the SDK, against the real server', () => {
  it('asks one person for money; they pay it and the requester sees it paid', async () => {
    const alice = await server.enroll('alice');
    const bob = await server.enroll('bob');
    const { groupId, data } = await alice.requests.create({
      conversationId: 'c_cinema',
      note: 'Cinema',
      payers: [{ userId: 'bob', amount: eur(1200) }],
    });
    expect(groupId).toMatch(/^rg_/);
    expect(data).toEqual([
      expect.objectContaining({
        id: expect.stringMatching(/^rq_/),
        groupId,
        status: 'open',
        requesterId: 'alice',
        payerId: 'bob',
        amount: eur(1200),
        note: 'Cinema',
        conversationId: 'c_cinema',
        transferId: null,
      }),
    ]);
    const request = data[0] as MoneyRequest;

    const transfer = await bob.requests.pay(request.id);
    expect(transfer).toMatchObject({
      senderId: 'bob',
      recipientId: 'alice',
      amount: eur(1200),
      requestId: request.id,
      conversationId: 'c_cinema',
      // It reads as what it pays, in both histories.
      note: 'Cinema',
    });
    const paid = await eventually(
      () => alice.requests.get(request.id),
      (r) => r.status === 'paid',
    );
    expect(paid.transferId).toBe(transfer.id);
  });

  it('splits a total evenly among the group, the requester included', async () => {
    const carol = await server.enroll('carol');
    await server.enroll('dan');
    await server.enroll('erin');
    const { groupId, data } = await carol.requests.create({
      conversationId: 'c_dinner',
      split: { total: eur(3000), among: ['dan', 'erin'], includeSelf: true },
    });
    expect(data.map((r) => [r.payerId, r.amount.value]).sort()).toEqual([
      ['dan', 1000],
      ['erin', 1000],
    ]);

    const listed: string[] = [];
    for await (const r of carol.requests.list({ groupId, limit: 1 })) listed.push(r.payerId);
    expect(listed.sort()).toEqual(['dan', 'erin']);
  });

  it('lets the payer decline, and the requester sees it declined', async () => {
    const fred = await server.enroll('fred');
    const gina = await server.enroll('gina');
    const { data } = await fred.requests.create({
      payers: [{ userId: 'gina', amount: eur(800) }],
    });
    const request = data[0] as MoneyRequest;
    expect((await gina.requests.decline(request.id)).status).toBe('declined');
    expect((await fred.requests.get(request.id)).status).toBe('declined');
    // A declined request can no longer be paid.
    await expect(gina.requests.pay(request.id)).rejects.toBeInstanceOf(SettleApiError);
    expect((await gina.transfers.list()).data).toEqual([]);
  });

  it('lets the requester withdraw an open request', async () => {
    const jo = await server.enroll('jo');
    const kim = await server.enroll('kim');
    const { data } = await jo.requests.create({ payers: [{ userId: 'kim', amount: eur(650) }] });
    const request = data[0] as MoneyRequest;
    expect((await jo.requests.cancel(request.id)).status).toBe('canceled');
    expect((await kim.requests.get(request.id)).status).toBe('canceled');
    await expect(kim.requests.pay(request.id)).rejects.toBeInstanceOf(SettleApiError);
  });

  it('lists the requests of a conversation, newest first', async () => {
    const hugo = await server.enroll('hugo');
    await server.enroll('iris');
    const made: string[] = [];
    for (const value of [100, 200]) {
      server.clock.now += 1000;
      const { data } = await hugo.requests.create({
        conversationId: 'c_list',
        payers: [{ userId: 'iris', amount: eur(value) }],
      });
      made.unshift((data[0] as MoneyRequest).id);
    }
    const page = await hugo.requests.list({ conversationId: 'c_list' });
    expect(page.data.map((r) => r.id)).toEqual(made);
    expect(page).toMatchObject({ hasMore: false, nextCursor: null });
  });
});
