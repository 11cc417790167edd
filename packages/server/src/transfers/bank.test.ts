import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedger } from '../ledger/check.js';
import { enroll, mintToken, nextPhone, type TestApp, testApp } from '../testing/platform.js';
import { rng } from '../testing/random.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';

const eur = (value: number) => ({ value, currency: 'EUR' });
const PIN = '914273';

describe.each(await storeKinds())('a bank workload on the %s store', (kind) => {
  let db: TestStore;
  let t: TestApp;
  let server: ReturnType<typeof serve>;
  let base: string;
  const users = Array.from({ length: 10 }, (_, i) => `${kind}-bank${i}`);

  beforeAll(async () => {
    db = await openTestStore(kind);
    t = await testApp(db.store, { risk: { velocityReview: 10_000, velocityBlock: 10_000 } });
    for (const u of users) await enroll(t, u, { phone: nextPhone(), pin: PIN });
    server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await db.cleanup();
  });

  async function http(user: string, method: string, path: string, body?: unknown, key?: string) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${await mintToken(t.keys, user)}`,
        'Content-Type': 'application/json',
        ...(key ? { 'Idempotency-Key': key } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  it('keeps every promise under concurrent transfers, requests and retries', async () => {
    const random = rng(kind === 'sqlite' ? 7 : 11);
    const acknowledged = new Map<string, string>(); // idempotency key -> transfer id
    const statuses: number[] = [];
    let keys = 0;

    async function transfer(from: string, to: string, value: number, requestId?: string) {
      const body: Record<string, unknown> = { recipientId: to, amount: eur(value) };
      if (requestId) body.requestId = requestId;
      if (value > 3000 || random(4) === 0) {
        const auth = await http(from, 'POST', '/v1/authorizations', {
          pin: PIN,
          amount: eur(value),
          payeeId: to,
        });
        if (auth.status === 201) body.authorization = auth.body.authorization;
      }
      const key = `k${++keys}`;
      // Retries reuse the key: sometimes at once, concurrently, as a client that timed out.
      const tries = 1 + random(3);
      const results = await Promise.all(
        Array.from({ length: tries }, () => http(from, 'POST', '/v1/transfers', body, key)),
      );
      for (const r of results) {
        statuses.push(r.status);
        if (r.status === 201) {
          const seen = acknowledged.get(key);
          if (seen) expect(r.body.id).toBe(seen);
          acknowledged.set(key, r.body.id);
        }
      }
    }

    async function client(c: number) {
      for (let i = 0; i < 12; i++) {
        const from = users[(c + random(users.length)) % users.length] as string;
        const to = users[random(users.length)] as string;
        const op = random(10);
        if (op < 6 || from === to) {
          await transfer(
            from,
            from === to ? `${kind}-stranger${random(3)}` : to,
            100 + random(6000),
          );
        } else if (op < 8) {
          const made = await http(
            from,
            'POST',
            '/v1/requests',
            { payers: [{ userId: to, amount: eur(100 + random(2000)) }] },
            `r${++keys}`,
          );
          statuses.push(made.status);
          const request = made.body.data?.[0];
          if (request && random(2) === 0)
            await transfer(to, from, request.amount.value, request.id);
          else if (request)
            statuses.push((await http(to, 'POST', `/v1/requests/${request.id}/decline`)).status);
        } else {
          const list = await http(from, 'GET', '/v1/transfers?limit=5');
          const waiting = list.body.data.find(
            (x: { status: string; senderId: string }) =>
              x.status === 'awaiting_recipient' && x.senderId === from,
          );
          if (waiting)
            statuses.push((await http(from, 'POST', `/v1/transfers/${waiting.id}/cancel`)).status);
        }
      }
    }
    await Promise.all(Array.from({ length: 16 }, (_, c) => client(c)));
    await t.app.jobs.runOnce({ recovering: true });

    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    const rows = await db.store.all<{
      id: string;
      status: string;
      sender_id: string;
      amount: number;
    }>('SELECT id, status, sender_id, amount FROM transfers');
    // Every acknowledged transfer exists exactly once, and nothing else was created.
    expect(new Set(acknowledged.values()).size).toBe(acknowledged.size);
    expect(rows.map((r) => r.id).sort()).toEqual([...acknowledged.values()].sort());
    expect(rows.length).toBeGreaterThan(50);

    const ops = await db.store.all<{ key: string; kind: string }>(
      "SELECT key, kind FROM sandbox_operations WHERE outcome = 'approved'",
    );
    const count = (id: string, k: string) => ops.filter((o) => o.key === `${id}:${k}`).length;
    for (const r of rows) {
      expect(count(r.id, 'charge')).toBe(r.status === 'failed' ? 0 : 1);
      expect(count(r.id, 'payout')).toBe(r.status === 'completed' ? 1 : 0);
      expect(count(r.id, 'refund')).toBe(r.status === 'canceled' ? 1 : 0);
    }
    // No sender went over the new-account limit of 250 EUR in 7 days.
    for (const u of users) {
      const sent = rows
        .filter((r) => r.sender_id === u && r.status !== 'failed' && r.status !== 'canceled')
        .reduce((sum, r) => sum + Number(r.amount), 0);
      expect(sent).toBeLessThanOrEqual(25_000);
    }
    const report = await checkLedger(db.store);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  }, 120_000);
});
