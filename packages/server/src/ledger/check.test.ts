import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';
import { checkLedger } from './check.js';
import { ledgerAccount, reserve, resolve } from './ledger.js';

describe.each(await storeKinds())('ledger on the %s store', (kind) => {
  let db: TestStore;
  beforeAll(async () => {
    db = await openTestStore(kind);
  });
  afterAll(() => db.cleanup());

  const move = (id: string, amount = 500) => ({
    id,
    transferId: `t-${id}`,
    debit: ledgerAccount.funding('a', 'EUR'),
    credit: ledgerAccount.clearing('EUR'),
    amount,
    currency: 'EUR',
  });

  it('reserves, posts and voids with balanced, append-only entries', async () => {
    await db.store.transaction(async (tx) => {
      await reserve(tx, move('m1'), 1);
      await reserve(tx, move('m1'), 1); // the same movement twice reserves once
      await reserve(tx, move('m2'), 1);
      expect(await resolve(tx, 'm1', 'posted', 2)).toBe(true);
      expect(await resolve(tx, 'm1', 'voided', 3)).toBe(false);
      expect(await resolve(tx, 'm2', 'voided', 2)).toBe(true);
    });
    const report = await checkLedger(db.store);
    expect(report).toMatchObject({ ok: true, movements: 2, entries: 10 });
    await expect(db.store.transaction((tx) => reserve(tx, move('m3', 1.5), 1))).rejects.toThrow();
  });

  it('reports a movement whose entries do not balance', async () => {
    await db.store.run(
      `INSERT INTO ledger_entries (movement_id, seq, account, phase, amount, currency, created_at)
       VALUES ('m1', 9, 'clearing:EUR', 'posted', 1, 'EUR', 1)`,
    );
    const report = await checkLedger(db.store);
    expect(report.ok).toBe(false);
    expect(report.problems.join('\n')).toMatch(/m1/);
  });

  it('reports a final transfer whose money is not where its state says', async () => {
    const fresh = await openTestStore(kind);
    const sql = fresh.store;
    const transfer = (id: string, status: string, amount = 500) =>
      sql.run(
        `INSERT INTO transfers (id, sender_id, recipient_id, amount, currency, status, step, sca,
           sender_card_id, created_at, updated_at)
         VALUES (?, 'a', 'b', ?, 'EUR', ?, 'done', 'pin', 'card', 1, 1)`,
        [id, amount, status],
      );
    const movement = (transferId: string, kind: 'charge' | 'payout', state: 'posted' | 'pending') =>
      sql.transaction(async (tx) => {
        const id = `${transferId}:${kind}`;
        await reserve(
          tx,
          {
            id,
            transferId,
            debit:
              kind === 'charge' ? ledgerAccount.funding('a', 'EUR') : ledgerAccount.clearing('EUR'),
            credit:
              kind === 'charge' ? ledgerAccount.clearing('EUR') : ledgerAccount.payout('b', 'EUR'),
            amount: 500,
            currency: 'EUR',
          },
          1,
        );
        if (state === 'posted') await resolve(tx, id, 'posted', 2);
      });
    try {
      await transfer('paid', 'completed');
      await movement('paid', 'charge', 'posted');
      await movement('paid', 'payout', 'posted');
      await transfer('declined', 'failed');
      expect((await checkLedger(sql)).problems).toEqual([]);

      await transfer('never-paid-out', 'completed');
      await movement('never-paid-out', 'charge', 'posted');
      await transfer('kept', 'failed');
      await movement('kept', 'charge', 'posted');
      await transfer('half-done', 'canceled');
      await movement('half-done', 'charge', 'pending');
      const problems = (await checkLedger(sql)).problems.join('\n');
      for (const id of ['never-paid-out', 'kept', 'half-done']) expect(problems).toContain(id);
      expect(problems).not.toMatch(/transfer (paid|declined) /);
    } finally {
      await fresh.cleanup();
    }
  });
});
