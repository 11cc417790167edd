import { describe, expect, it } from 'vitest';
import type { Services } from '../services.js';
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
