import { describe, expect, it } from 'vitest';
import type { Services } from '../services.js';
import { testApp } from '../testing/platform.js';
import { gated, openTestStore, storeKinds } from '../testing/stores.js';
import { startJobs } from './jobs.js';

describe('startJobs', () => {
  it('looks for payable waiting transfers on the recovery pass, then once every 60 passes', async () => {
    const passes: boolean[] = [];
    const store = {
      async all(sql: string) {
        // The first query of each pass; the sweep's is the only one joining the accounts.
        if (sql.includes('next_attempt_at')) passes.push(false);
        if (sql.includes('JOIN accounts')) passes[passes.length - 1] = true;
        return [];
      },
      async run() {
        return { changes: 0 };
      },
    };
    const services = { store, now: () => 0, log: () => undefined } as unknown as Services;
    const jobs = startJobs(services, 0);
    while (passes.length < 122) await new Promise((resolve) => setTimeout(resolve, 1));
    await jobs.stop();
    const sweeps = passes.slice(0, 122).flatMap((swept, pass) => (swept ? [pass] : []));
    expect(sweeps).toEqual([0, 60, 120]);
  });
});

describe.each(await storeKinds())('the jobs on the %s store while it is down', (kind) => {
  it('log the failure once, then the recovery, not a line a pass', async () => {
    const db = await openTestStore(kind);
    const gate = { down: false };
    const t = await testApp(gated(db.store, gate));
    try {
      gate.down = true;
      const jobs = t.app.jobs.start(2);
      await new Promise((resolve) => setTimeout(resolve, 200));
      gate.down = false;
      const recovered = () => t.logs.some((l) => l.includes('"jobs.recovered"'));
      while (!recovered()) await new Promise((resolve) => setTimeout(resolve, 5));
      await jobs.stop();
      const lines = t.logs.filter((l) => l.includes('"event":"jobs.')).map((l) => JSON.parse(l));
      expect(lines).toEqual([
        { event: 'jobs.failed', error: 'StoreUnavailableError', reason: 'connection lost' },
        { event: 'jobs.recovered', failures: expect.any(Number), afterMs: expect.any(Number) },
      ]);
      expect(lines[1].failures).toBeGreaterThan(1);
    } finally {
      await db.cleanup();
    }
  });
});
