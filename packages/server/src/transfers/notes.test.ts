import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enroll, nextPhone, type TestApp, testApp } from '../testing/platform.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';

const eur = (value: number) => ({ value, currency: 'EUR' });

/**
 * A note is one line shown in the other party's chat and carried by every event and webhook of
 * its payment: nothing in it may break the line or be a card number.
 */
describe.each(await storeKinds())('payment notes on the %s store', (kind) => {
  let db: TestStore;
  let t: TestApp;
  const alice = `${kind}-alice`;
  const bob = `${kind}-bob`;

  beforeAll(async () => {
    db = await openTestStore(kind);
    // Many small payments without the PIN: the notes are under test, not the exemption.
    t = await testApp(db.store, { scaExemption: { countSinceLastPin: 100 } });
    for (const id of [alice, bob]) await enroll(t, id, { phone: nextPhone() });
  });
  afterAll(() => db.cleanup());

  it('refuses line separators on transfers and requests, creating nothing', async () => {
    const notes = [
      'two\u2028lines', // LINE SEPARATOR: a line break to browsers and JavaScript
      'two\u2029paragraphs', // PARAGRAPH SEPARATOR
    ];
    for (const note of notes) {
      const sent = await t.pay(alice, '/v1/transfers', {
        recipientId: bob,
        amount: eur(100),
        note,
      });
      expect([JSON.stringify(note), sent.status, sent.body.error?.param]).toEqual([
        JSON.stringify(note),
        400,
        'note',
      ]);
      const asked = await t.pay(alice, '/v1/requests', {
        note,
        payers: [{ userId: bob, amount: eur(100) }],
      });
      expect([JSON.stringify(note), asked.status]).toEqual([JSON.stringify(note), 400]);
    }
    expect((await t.call(alice, 'GET', '/v1/transfers')).body.data).toEqual([]);
    expect((await t.call(alice, 'GET', '/v1/requests')).body.data).toEqual([]);
  });

  it('refuses a card number in a note, which every event and webhook of the payment would carry', async () => {
    for (const note of [
      'ma carte 4000 0025 0000 0003 merci',
      'card:4000-0025-0000-1001',
      '5200828282828210',
      'carte 4000 0025 0000 0003 12 34 123',
    ]) {
      const sent = await t.pay(alice, '/v1/transfers', {
        recipientId: bob,
        amount: eur(100),
        note,
      });
      expect([note, sent.status, sent.body.error?.param]).toEqual([note, 400, 'note']);
      expect(JSON.stringify(sent.body)).not.toMatch(/0003|1001|8210/);
      const asked = await t.pay(alice, '/v1/requests', {
        note,
        payers: [{ userId: bob, amount: eur(100) }],
      });
      expect([note, asked.status]).toEqual([note, 400]);
    }
    const events = await t.call(alice, 'GET', '/v1/transfers');
    expect(events.body.data).toEqual([]);
  });

  it('keeps notes in any script, with their bidi marks and controls, and other numbers', async () => {
    for (const note of [
      'Dîner 🍝 à Lyon',
      'عشاء\u200f 20€',
      'ארוחת ערב\u200e (Paris)',
      // Shown isolated by the elements (<bdi>): it cannot reorder what follows the note.
      'dinner \u202e',
      // Long numbers that fail the card checksum: an order, a phone number.
      'Commande 4000002500000004',
      'Appelle-moi au 06 12 34 56 78',
    ]) {
      const sent = await t.pay(alice, '/v1/transfers', {
        recipientId: bob,
        amount: eur(100),
        note,
      });
      expect([sent.status, sent.body.note]).toEqual([201, note]);
    }
  });
});
