import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countries } from '../countries.js';
import { enroll, type TestApp, testApp } from '../testing/platform.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';
import { availableAt } from './availability.js';

const days = (n: number) => ({ kind: 'business_days' as const, days: n });
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const PARIS = countries.FR.timeZone;
const NEW_YORK = countries.US.timeZone;

describe('when paid-out money is available', () => {
  it('is at once for instant cards', () => {
    const paid = at('2025-06-06T21:59:59.999Z');
    expect(availableAt(paid, { kind: 'instant' }, PARIS)).toBe(paid);
  });

  it('skips the weekend, keeping the time of day, in Paris', () => {
    // Thursday, Friday 23:59:59.999 and Saturday 00:00 in Paris (summer: UTC+2).
    expect(iso(availableAt(at('2025-06-05T21:59:59.999Z'), days(1), PARIS))).toBe(
      '2025-06-06T21:59:59.999Z', // Friday
    );
    expect(iso(availableAt(at('2025-06-06T21:59:59.999Z'), days(1), PARIS))).toBe(
      '2025-06-09T21:59:59.999Z', // Monday
    );
    // Saturday 00:00 in Paris is still Friday in UTC: one business day is Monday all the same.
    expect(iso(availableAt(at('2025-06-06T22:00:00.000Z'), days(1), PARIS))).toBe(
      '2025-06-08T22:00:00.000Z', // Monday 00:00 in Paris, not Tuesday
    );
    expect(iso(availableAt(at('2025-06-08T21:59:59.999Z'), days(1), PARIS))).toBe(
      '2025-06-09T21:59:59.999Z', // from Sunday: Monday
    );
  });

  it('counts 3 business days in New York time for a US card paid out late on Friday', () => {
    // Friday 21:00 in New York (summer: UTC-4) is already Saturday in UTC.
    expect(iso(availableAt(at('2025-06-07T01:00:00.000Z'), days(3), NEW_YORK))).toBe(
      '2025-06-12T01:00:00.000Z', // Wednesday 21:00 in New York, not Tuesday
    );
    // Friday 19:59:59.999 in New York, still Friday in UTC: the same Wednesday.
    expect(iso(availableAt(at('2025-06-06T23:59:59.999Z'), days(3), NEW_YORK))).toBe(
      '2025-06-11T23:59:59.999Z',
    );
  });

  it('keeps the local time of day across a change of summer time', () => {
    // Friday 28 March 2025 12:00 in Paris (UTC+1); clocks go forward on Sunday the 30th.
    expect(iso(availableAt(at('2025-03-28T11:00:00.000Z'), days(1), PARIS))).toBe(
      '2025-03-31T10:00:00.000Z', // Monday 12:00 in Paris (UTC+2)
    );
    // Saturday 1 November 2025 23:30 in New York; clocks go back on Sunday the 2nd.
    expect(iso(availableAt(at('2025-11-02T03:30:00.000Z'), days(3), NEW_YORK))).toBe(
      '2025-11-06T04:30:00.000Z', // Wednesday 23:30 in New York (UTC-5)
    );
  });
});

describe.each(await storeKinds())('availableAt of a transfer on the %s store', (kind) => {
  let db: TestStore;
  let t: TestApp;

  beforeAll(async () => {
    db = await openTestStore(kind);
    t = await testApp(db.store);
  });
  afterAll(() => db.cleanup());

  it('counts the business days of a US card in New York time', async () => {
    const [alice, bob] = [`${kind}-us-alice`, `${kind}-us-bob`];
    await enroll(t, alice, { phone: '+12015550123', card: '4000056655665556', country: 'US' });
    await enroll(t, bob, { phone: '+12015550124', card: '5200828282828210', country: 'US' });
    t.clock.now = at('2025-06-07T01:00:00.000Z'); // Friday 21:00 in New York
    const res = await t.pay(alice, '/v1/transfers', {
      recipientId: bob,
      amount: { value: 1500, currency: 'USD' },
    });
    expect(res.body).toMatchObject({
      status: 'completed',
      completedAt: '2025-06-07T01:00:00.000Z',
      availableAt: '2025-06-12T01:00:00.000Z',
    });
  });
});
