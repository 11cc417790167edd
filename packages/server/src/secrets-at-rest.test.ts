import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enroll, FR_CARD, type TestApp, testApp } from './testing/platform.js';
import { openTestStore, type TestStore } from './testing/stores.js';

const PIN = '583920';
const NEW_PIN = '640271';

describe('secrets at rest and in logs', () => {
  let db: TestStore;
  let t: TestApp;
  const codes: string[] = [];
  beforeAll(async () => {
    db = await openTestStore('sqlite');
    t = await testApp(db.store);
    const phone = await enroll(t, 'alice', { pin: PIN, card: FR_CARD });
    codes.push((await t.lastCode(phone)) as string);
    // Wrong PINs and wrong codes go through error paths too.
    await t.call('alice', 'PUT', '/v1/account/pin', { pin: NEW_PIN, currentPin: '192837' });
    await t.call('alice', 'PUT', '/v1/account/pin', { pin: NEW_PIN, currentPin: PIN });
    await t.call(null, 'POST', '/v1/card-tokens', {
      number: `${FR_CARD}0`,
      expMonth: 1,
      expYear: 2030,
      cvc: '987',
    });
    await t.call(null, 'POST', '/v1/card-tokens', '{"number":"4000002500000003","cvc":');
    // A card number where it does not belong: in a path, or as a key of a body.
    await t.call('alice', 'GET', `/nowhere/${FR_CARD}`);
    await t.call('alice', 'GET', '/nowhere/4000%200025%200000%200003');
    const misplaced = await t.call('alice', 'PUT', '/v1/account/profile', {
      legalName: 'Alice Martin',
      country: 'FR',
      phone: '+33612345678',
      [FR_CARD]: 1,
    });
    expect(misplaced.body.error.message).toBe('Unknown field: "…"');
    // A PIN or an SMS code as a key, by a client that mixed up names and values.
    const code = codes[0] as string;
    for (const body of [
      { pin: PIN, [PIN]: 1 },
      { amount: { value: 100, currency: 'EUR', [code]: 1 }, payeeId: 'bob', pin: PIN },
      `{"${PIN}":1,"${PIN}":2}`,
      `{"pin":"${PIN}","a${code}":"\u0000"}`,
    ]) {
      const res = await t.call('alice', 'POST', '/v1/authorizations', body);
      expect(res.status).toBe(400);
      t.logs.push(JSON.stringify(res.body));
    }
  });
  afterAll(() => db.cleanup());

  it('keeps no PAN, CVC or PIN in the SQLite files', () => {
    const dir = dirname(db.path as string);
    const bytes = readdirSync(dir)
      .map((f) => readFileSync(join(dir, f)).toString('latin1'))
      .join('\n');
    expect(bytes.length).toBeGreaterThan(0);
    for (const secret of [FR_CARD, PIN, NEW_PIN]) expect(bytes).not.toContain(secret);
    // The card is there, sealed, with what may be shown.
    expect(bytes).toContain('v1.k1.');
  });

  it('puts no PAN, PIN or SMS code in any log line or response', () => {
    const output = t.logs.join('\n');
    expect(t.logs.length).toBeGreaterThan(5);
    for (const secret of [FR_CARD, '40000025000000030', '4000 0025', PIN, NEW_PIN, ...codes]) {
      expect(output).not.toContain(secret);
    }
  });
});
