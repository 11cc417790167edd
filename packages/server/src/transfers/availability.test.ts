import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  enroll,
  FR_CARD,
  FR_CARD_1_DAY,
  nextPhone,
  type TestApp,
  testApp,
} from '../testing/platform.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';
import { availableAt } from './availability.js';

const days = (n: number) => ({ kind: 'business_days' as const, days: n });
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('when paid-out money is available', () => {
  it('is at once for instant cards', () => {
    const paid = at('2025-06-06T21:59:59.999Z');
    expect(availableAt(paid, { kind: 'instant' }, 'FR')).toBe(paid);
  });

  it('skips the weekend, keeping the time of day, in Paris', () => {
    // Thursday, Friday 23:59:59.999 and Saturday 00:00 in Paris (summer: UTC+2).
    expect(iso(availableAt(at('2026-06-04T21:59:59.999Z'), days(1), 'FR'))).toBe(
      '2026-06-05T21:59:59.999Z', // Friday
    );
    expect(iso(availableAt(at('2026-06-05T21:59:59.999Z'), days(1), 'FR'))).toBe(
      '2026-06-08T21:59:59.999Z', // Monday
    );
    // Saturday 00:00 in Paris is still Friday in UTC: one business day is Monday all the same.
    expect(iso(availableAt(at('2026-06-05T22:00:00.000Z'), days(1), 'FR'))).toBe(
      '2026-06-07T22:00:00.000Z', // Monday 00:00 in Paris, not Tuesday
    );
    expect(iso(availableAt(at('2026-06-07T21:59:59.999Z'), days(1), 'FR'))).toBe(
      '2026-06-08T21:59:59.999Z', // from Sunday: Monday
    );
  });

  it('counts 3 business days in New York time for a US card paid out late on Friday', () => {
    // Friday 21:00 in New York (summer: UTC-4) is already Saturday in UTC.
    expect(iso(availableAt(at('2025-06-07T01:00:00.000Z'), days(3), 'US'))).toBe(
      '2025-06-12T01:00:00.000Z', // Wednesday 21:00 in New York, not Tuesday
    );
    // Friday 19:59:59.999 in New York, still Friday in UTC: the same Wednesday.
    expect(iso(availableAt(at('2025-06-06T23:59:59.999Z'), days(3), 'US'))).toBe(
      '2025-06-11T23:59:59.999Z',
    );
  });

  it('keeps the local time of day across a change of summer time', () => {
    // Friday 28 March 2025 12:00 in Paris (UTC+1); clocks go forward on Sunday the 30th.
    expect(iso(availableAt(at('2025-03-28T11:00:00.000Z'), days(1), 'FR'))).toBe(
      '2025-03-31T10:00:00.000Z', // Monday 12:00 in Paris (UTC+2)
    );
    // Saturday 1 November 2025 23:30 in New York; clocks go back on Sunday the 2nd.
    expect(iso(availableAt(at('2025-11-02T03:30:00.000Z'), days(3), 'US'))).toBe(
      '2025-11-06T04:30:00.000Z', // Wednesday 23:30 in New York (UTC-5)
    );
  });
});

describe('bank holidays on the recipient country calendar', () => {
  it('skips French public holidays, in Paris time', () => {
    // Thursday 24 December 2026 14:00 in Paris (UTC+1): Friday is Christmas.
    expect(iso(availableAt(at('2026-12-24T13:00:00.000Z'), days(1), 'FR'))).toBe(
      '2026-12-28T13:00:00.000Z', // Monday 14:00
    );
    // Thursday 00:30 in Paris is still Wednesday in UTC: Thursday would be UTC's next day.
    expect(iso(availableAt(at('2026-12-23T23:30:00.000Z'), days(1), 'FR'))).toBe(
      '2026-12-27T23:30:00.000Z', // Monday 00:30 in Paris
    );
    // Wednesday 13 May 2026 15:00 (UTC+2): Thursday is Ascension.
    expect(iso(availableAt(at('2026-05-13T13:00:00.000Z'), days(1), 'FR'))).toBe(
      '2026-05-15T13:00:00.000Z', // Friday
    );
    // Good Friday (26 March 2027) is a business day in France; Easter Monday (the 29th) is not.
    expect(iso(availableAt(at('2027-03-25T09:00:00.000Z'), days(1), 'FR'))).toBe(
      '2027-03-26T09:00:00.000Z', // Friday 10:00 (UTC+1)
    );
    expect(iso(availableAt(at('2027-03-26T09:00:00.000Z'), days(1), 'FR'))).toBe(
      '2027-03-30T08:00:00.000Z', // Tuesday 10:00 (summer time from the 28th: UTC+2)
    );
  });

  it('skips the bank holidays of England and Wales, substitute days included', () => {
    // Friday 28 August 2026 17:00 in London (UTC+1): Monday is the summer bank holiday.
    expect(iso(availableAt(at('2026-08-28T16:00:00.000Z'), days(1), 'GB'))).toBe(
      '2026-09-01T16:00:00.000Z', // Tuesday
    );
    // Boxing Day 2026 is a Saturday: Monday the 28th is its substitute, unlike in France.
    expect(iso(availableAt(at('2026-12-24T14:00:00.000Z'), days(1), 'GB'))).toBe(
      '2026-12-29T14:00:00.000Z', // Tuesday
    );
    // Good Friday and Easter Monday 2027 are both bank holidays.
    expect(iso(availableAt(at('2027-03-25T10:00:00.000Z'), days(1), 'GB'))).toBe(
      '2027-03-30T09:00:00.000Z', // Tuesday 10:00 (BST from the 28th)
    );
  });

  it('skips Federal Reserve holidays, in New York time', () => {
    // Wednesday 25 November 2026 21:00 in New York (UTC-5) is Thanksgiving in UTC; the Friday
    // after is a business day at the Fed.
    expect(iso(availableAt(at('2026-11-26T02:00:00.000Z'), days(3), 'US'))).toBe(
      '2026-12-02T02:00:00.000Z', // Tuesday 1 December 21:00: Friday, Monday, Tuesday
    );
    // Juneteenth 2026 is a Friday.
    expect(iso(availableAt(at('2026-06-18T16:00:00.000Z'), days(1), 'US'))).toBe(
      '2026-06-22T16:00:00.000Z', // Monday 12:00 (UTC-4)
    );
    // Independence Day 2027 is a Sunday: observed on Monday the 5th.
    expect(iso(availableAt(at('2027-07-02T16:00:00.000Z'), days(1), 'US'))).toBe(
      '2027-07-06T16:00:00.000Z', // Tuesday
    );
  });

  it('keeps the Fed open on the Friday before a holiday that falls on a Saturday', () => {
    // Independence Day 2026 and Juneteenth 2027 are Saturdays (federal offices close on the
    // Friday, the Fed does not); so is New Year's Day 2028, whose Friday is 31 December 2027.
    expect(iso(availableAt(at('2026-07-02T16:00:00.000Z'), days(1), 'US'))).toBe(
      '2026-07-03T16:00:00.000Z', // Friday 3 July 12:00
    );
    expect(iso(availableAt(at('2027-06-17T16:00:00.000Z'), days(1), 'US'))).toBe(
      '2027-06-18T16:00:00.000Z', // Friday 18 June
    );
    expect(iso(availableAt(at('2027-12-30T17:00:00.000Z'), days(1), 'US'))).toBe(
      '2027-12-31T17:00:00.000Z', // Friday 31 December 12:00 (UTC-5)
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

  it('skips Christmas for a French card paid out on Christmas Eve 2026', async () => {
    const [alice, bob] = [`${kind}-fr-alice`, `${kind}-fr-bob`];
    await enroll(t, alice, { phone: nextPhone(), card: FR_CARD });
    await enroll(t, bob, { phone: nextPhone(), card: FR_CARD_1_DAY });
    t.clock.now = at('2026-12-24T13:00:00.000Z'); // Thursday 14:00 in Paris
    const res = await t.pay(alice, '/v1/transfers', {
      recipientId: bob,
      amount: { value: 1500, currency: 'EUR' },
    });
    expect(res.body).toMatchObject({
      status: 'completed',
      completedAt: '2026-12-24T13:00:00.000Z',
    });
    const seen = await t.call(bob, 'GET', `/v1/transfers/${res.body.id}`);
    expect(seen.body.availableAt).toBe('2026-12-28T13:00:00.000Z'); // Monday 14:00
  });
});
