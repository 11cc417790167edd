import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedger } from '../ledger/check.js';
import {
  DECLINED_CARD,
  enroll,
  enrollUntilCode,
  FR_CARD,
  FR_CARD_1_DAY,
  GB_CARD,
  NO_FUNDS_CARD,
  nextPhone,
  type TestApp,
  testApp,
} from '../testing/platform.js';
import { rng } from '../testing/random.js';
import { openTestStore, storeKinds, type TestStore } from '../testing/stores.js';

const eur = (value: number) => ({ value, currency: 'EUR' });
const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** Non-trivial PINs: each unlock moves a user to the next one. */
const PINS = ['914273', '508162', '736215', '281947', '640358', '193762'];

/**
 * A clock that moves forward by 1 ms on every read, so that every timestamp the server writes
 * is distinct and ordered as the reads were: a freeze's moment can be compared with a
 * transfer's. Setting `now` jumps it.
 */
function tick(clock: { now: number }) {
  let base = clock.now;
  let ticks = 0;
  Object.defineProperty(clock, 'now', {
    get: () => base + ++ticks,
    set: (value: number) => {
      base = value;
      ticks = 0;
    },
  });
}

/** An answer as the test app gives it (its body parsed). */
type Reply = Awaited<ReturnType<TestApp['call']>>;

/**
 * Features against each other, not one at a time: transfers (to people enrolled, and to
 * people who enroll later or never), requests and group splits paid, declined and canceled at
 * once, cancels of awaiting transfers, the platform's admin freezing accounts and resolving
 * review flags, users securing their account and unlocking it, retries with the same key, and
 * the clock jumping hours, then past the 7-day wait, with the jobs between phases. Then every
 * promise is checked from the store.
 */
describe.each(await storeKinds())('features interleaved on the %s store', (kind) => {
  let db: TestStore;
  let t: TestApp;
  const users = Array.from({ length: 12 }, (_, i) => `${kind}-u${i}`);
  /** Not enrolled at first: x0, x1 (GB) enroll after 3 hours, x2, x3 after the 7 days, never x4, x5. */
  const strangers = Array.from({ length: 6 }, (_, i) => `${kind}-x${i}`);
  const pin = new Map<string, number>(); // user -> index in PINS
  const phone = new Map<string, string>();

  beforeAll(async () => {
    db = await openTestStore(kind);
    t = await testApp(db.store, {
      // Low thresholds, so that reviews and blocks happen often.
      risk: { velocityReview: 3, velocityBlock: 7, largeToNewRecipient: 2500 },
    });
    tick(t.clock);
    const cards = [DECLINED_CARD, NO_FUNDS_CARD, FR_CARD_1_DAY];
    for (const [i, u] of users.entries()) {
      phone.set(u, nextPhone());
      pin.set(u, 0);
      await enroll(t, u, { phone: phone.get(u), pin: PINS[0], card: cards[i] ?? FR_CARD });
    }
    // Past the SMS resend delays of enrollment, so that the first secure can get a code.
    t.clock.now = t.clock.now + HOUR;
  });
  afterAll(() => db.cleanup());

  it('keeps every promise when transfers, requests, freezes, reviews, secures and expiry mix', async () => {
    const random = rng(kind === 'sqlite' ? 23 : 29);
    const pick = <T>(list: readonly T[]) => list[random(list.length)] as T;
    const replies: { path: string; status: number; body: unknown }[] = [];
    const violations: string[] = [];
    const acknowledged = new Map<string, string>(); // sender + key -> transfer id
    const groups = new Map<string, string>(); // requester + key -> group id
    const frozen: { user: string; from: number; to: number }[] = [];
    const locked: { user: string; from: number; to: number }[] = [];
    /**
     * When each transfer was decided: created, or approved after review. Each happened at
     * some moment between the start and the end of the call that made it (the earliest
     * answer, for retries), whatever the server's timestamps say.
     */
    const created = new Map<string, { start: number; end: number }>();
    const approved = new Map<string, { start: number; end: number }>();
    const busy = new Set<string>(); // users being frozen or secured right now
    let keys = 0;
    let running = false;

    const note = (path: string, r: Reply) => {
      replies.push({ path, status: r.status, body: r.body });
      return r;
    };
    const call = async (user: string, method: string, path: string, body?: unknown) =>
      note(`${method} ${path}`, await t.call(user, method, path, body));
    const pay = async (user: string, path: string, body: unknown, key: string) =>
      note(`POST ${path}`, await t.pay(user, path, body, key));
    const admin = async (method: string, path: string, body?: unknown) =>
      note(`${method} ${path}`, await t.admin(method, path, body));
    const currentPin = (u: string) => PINS[pin.get(u) ?? 0] as string;
    const statusOf = async (u: string) =>
      (await db.store.get<{ status: string }>('SELECT status FROM accounts WHERE user_id = ?', [u]))
        ?.status;
    const active = new Set(users);
    const payers = () => [...users, ...strangers];

    /** A transfer; the same key is sent 1 to 3 times at once, and sometimes once more later. */
    const later: (() => Promise<void>)[] = [];
    async function transfer(from: string, to: string, value: number, requestId?: string) {
      const body: Record<string, unknown> = { recipientId: to, amount: eur(value) };
      if (requestId) body.requestId = requestId;
      if (value > 3000 || random(4) === 0) {
        const auth = await call(from, 'POST', '/v1/authorizations', {
          pin: currentPin(from),
          amount: eur(value),
          payeeId: to,
        });
        if (auth.status === 201) body.authorization = auth.body.authorization;
      }
      const key = `k${++keys}`;
      const send = async () => {
        const start = t.clock.now;
        const r = await pay(from, '/v1/transfers', body, key);
        if (r.status !== 201) return r;
        const window = created.get(r.body.id);
        if (!window) created.set(r.body.id, { start, end: t.clock.now });
        else window.start = Math.min(window.start, start);
        const seen = acknowledged.get(`${from} ${key}`);
        if (seen && seen !== r.body.id)
          violations.push(`key ${key} named ${seen} and ${r.body.id}`);
        acknowledged.set(`${from} ${key}`, r.body.id);
        return r;
      };
      const results = await Promise.all(Array.from({ length: 1 + random(3) }, send));
      if (random(4) === 0) later.push(async () => void (await send()));
      return results[0] as Reply;
    }

    async function request(requester: string) {
      const others = payers().filter((u) => u !== requester);
      const among = [pick(others), pick(others), pick(others)].filter(
        (u, i, all) => all.indexOf(u) === i,
      );
      const body =
        random(2) === 0
          ? {
              payers: among
                .slice(0, 1 + random(2))
                .map((u) => ({ userId: u, amount: eur(100 + random(2500)) })),
            }
          : { split: { total: eur(300 + random(6000)), among, includeSelf: random(2) === 0 } };
      const key = `r${++keys}`;
      const made = await Promise.all(
        Array.from({ length: 1 + random(2) }, () => pay(requester, '/v1/requests', body, key)),
      );
      for (const r of made) {
        if (r.status !== 201) continue;
        const seen = groups.get(`${requester} ${key}`);
        if (seen && seen !== r.body.groupId) violations.push(`key ${key} named two request groups`);
        groups.set(`${requester} ${key}`, r.body.groupId);
      }
      const rows: { id: string; payerId: string; amount: { value: number } }[] =
        made.find((r) => r.status === 201)?.body.data ?? [];
      await Promise.all(
        rows.map(async (rq) => {
          const payIt = () => transfer(rq.payerId, requester, rq.amount.value, rq.id);
          const decline = () => call(rq.payerId, 'POST', `/v1/requests/${rq.id}/decline`);
          const cancel = () => call(requester, 'POST', `/v1/requests/${rq.id}/cancel`);
          const choice = random(6);
          if (choice === 0 || choice === 1) await payIt();
          else if (choice === 2) await decline();
          else if (choice === 3) await cancel();
          else if (choice === 4) await Promise.all([payIt(), decline(), cancel()]);
        }),
      );
    }

    async function cancelAwaiting(user: string) {
      const list = await call(user, 'GET', '/v1/transfers?limit=20');
      const waiting = (list.body?.data ?? []).filter(
        (x: { status: string; senderId: string }) =>
          x.status === 'awaiting_recipient' && x.senderId === user,
      );
      if (waiting.length === 0) return;
      const id = pick(waiting as { id: string }[]).id;
      await Promise.all(
        Array.from({ length: 1 + random(2) }, () =>
          call(user, 'POST', `/v1/transfers/${id}/cancel`),
        ),
      );
    }

    /**
     * The admin freezes `user` (no one else freezes them meanwhile: see `busy`), lets the
     * others run, or `during` finish, then unfreezes. The account must stay frozen meanwhile.
     */
    async function freezeFor(user: string, during?: Promise<unknown>, delay = 0) {
      if (delay) await sleep(delay);
      const froze = await admin('POST', `/v1/admin/accounts/${user}/freeze`);
      const from = t.clock.now;
      if (froze.status !== 200) return;
      await (during ?? sleep(5 + random(30)));
      const to = t.clock.now;
      const status = await statusOf(user);
      if (status !== 'frozen') violations.push(`${user} was ${status} while frozen`);
      frozen.push({ user, from, to });
      await admin('POST', `/v1/admin/accounts/${user}/unfreeze`);
    }

    /**
     * How long (real ms) a secure and an unlock take here, as last measured: a racing freeze
     * is sent at a random moment within that, so that it sometimes lands while the other
     * call is in its transaction, which comes at the end (an unlock hashes two PINs first).
     */
    const took = { secure: 10, unlock: 150 };
    const timed = async (what: keyof typeof took, run: () => Promise<Reply>) => {
      const start = performance.now();
      const r = await run();
      took[what] = Math.round((took[what] + performance.now() - start) / 2);
      return r;
    };

    /** Secure my account, then unlock with the SMS code and a new PIN; a freeze may race either. */
    async function secure(user: string) {
      // 0: a freeze races the secure; 1: a freeze races the unlock; else none.
      const race = random(5);
      const secureIt = () => timed('secure', () => call(user, 'POST', '/v1/account/secure'));
      const secured =
        race === 0
          ? (
              await Promise.all([secureIt(), freezeFor(user, undefined, random(took.secure + 2))])
            )[0]
          : await secureIt();
      if (secured.status !== 200) return;
      const from = t.clock.now;
      // Until unlocked, this user's payments are locked, whatever happened meanwhile.
      let status = await statusOf(user);
      if (status !== 'locked')
        violations.push(
          `${user} was ${status} after securing it (answered ${secured.body.status})`,
        );
      await call(user, 'POST', '/v1/account/verification');
      const code = await t.lastCode(phone.get(user) as string);
      const next = ((pin.get(user) ?? 0) + 1) % PINS.length;
      const unlock = () =>
        timed('unlock', () => call(user, 'POST', '/v1/account/unlock', { code, pin: PINS[next] }));
      locked.push({ user, from, to: t.clock.now });
      let unlocked: Reply | undefined;
      if (race === 1) {
        const delay = Math.round(took.unlock / 2) + random(Math.round(took.unlock * 0.7) + 1);
        await freezeFor(user, (async () => (unlocked = await unlock()))(), delay);
        if (unlocked?.status !== 200) unlocked = await unlock();
      } else {
        unlocked = await unlock();
      }
      status = await statusOf(user);
      if (unlocked?.status === 200) pin.set(user, next);
      else if (status === 'active') violations.push(`${user} became active without unlocking`);
    }

    async function enrollLate(user: string, country: 'FR' | 'GB') {
      const number = country === 'GB' ? '+447400123457' : nextPhone();
      phone.set(user, number);
      pin.set(user, 0);
      const { code } = await enrollUntilCode(t, user, {
        phone: number,
        pin: PINS[0],
        country,
        card: country === 'GB' ? GB_CARD : FR_CARD,
      });
      const done = await call(user, 'POST', '/v1/account/verification/check', { code });
      if (done.status === 200 && country === 'FR') active.add(user);
    }

    async function client(ops: number) {
      for (let i = 0; i < ops; i++) {
        const op = random(20);
        // Mostly someone not securing their account right now: they could not pay.
        const idle = [...active].filter((u) => !busy.has(u));
        const from = pick(random(4) === 0 || idle.length === 0 ? [...active] : idle);
        if (busy.has(from) && op >= 15) continue;
        if (op < 9) {
          const to = random(3) === 0 ? pick(strangers) : pick(payers());
          if (to !== from) await transfer(from, to, 100 + random(9000));
        } else if (op < 12) {
          await request(from);
        } else if (op < 14) {
          await cancelAwaiting(from);
        } else if (op < 15) {
          const retry = later.splice(random(later.length + 1), 1)[0];
          if (retry) await retry();
        } else if (op < 18) {
          if (!users.includes(from)) continue;
          busy.add(from);
          await secure(from).finally(() => busy.delete(from));
        } else {
          if (!users.includes(from)) continue;
          busy.add(from);
          await freezeFor(from).finally(() => busy.delete(from));
        }
      }
    }

    /** The platform's anti-fraud desk: resolves open flags, sometimes twice at once. */
    async function desk() {
      while (running) {
        const open = await admin('GET', '/v1/admin/flags?status=open&limit=20');
        for (const flag of (open.body?.data ?? []) as { id: string }[]) {
          if (random(3) === 0) continue;
          const decide = async () => {
            const decision = random(3) === 0 ? 'reject' : 'approve';
            const start = t.clock.now;
            const r = await admin('POST', `/v1/admin/flags/${flag.id}/resolve`, { decision });
            if (r.status === 200 && decision === 'approve')
              approved.set(r.body.transferId, { start, end: t.clock.now });
          };
          await Promise.all(Array.from({ length: 1 + random(2) }, decide));
        }
        await sleep(10);
      }
    }

    async function phase(ops: number, extra: Promise<unknown>[] = []) {
      running = true;
      const work = Promise.all([...Array.from({ length: 10 }, () => client(ops)), ...extra]);
      const desking = desk();
      await work;
      running = false;
      await desking;
      for (const retry of later.splice(0)) await retry();
      // Accounts locked by wrong PINs (a PIN changed under a concurrent payment) unlock.
      for (const u of users) {
        if ((await statusOf(u)) !== 'locked') continue;
        t.clock.now = t.clock.now + 31_000;
        await call(u, 'POST', '/v1/account/verification');
        const next = ((pin.get(u) ?? 0) + 1) % PINS.length;
        const code = await t.lastCode(phone.get(u) as string);
        const r = await call(u, 'POST', '/v1/account/unlock', { code, pin: PINS[next] });
        if (r.status === 200) pin.set(u, next);
      }
      await t.app.jobs.runOnce();
    }

    const waitingNow = async () =>
      db.store.all<{ id: string; expires_at: number }>(
        "SELECT id, expires_at FROM transfers WHERE status = 'awaiting_recipient'",
      );

    await phase(10);
    t.clock.now = t.clock.now + 3 * HOUR;
    await t.app.jobs.runOnce();
    await phase(10, [
      enrollLate(strangers[0] as string, 'FR'),
      enrollLate(strangers[1] as string, 'GB'),
    ]);
    const before = await waitingNow();
    t.clock.now = t.clock.now + 7 * DAY + HOUR;
    await t.app.jobs.runOnce();
    // What waited 7 days went back: none of it is paid to someone who enrolls now.
    for (const w of before) {
      const row = await db.store.get<{ status: string; failure_reason: string | null }>(
        'SELECT status, failure_reason FROM transfers WHERE id = ?',
        [w.id],
      );
      expect([w.id, row?.status, row?.failure_reason]).toEqual([w.id, 'canceled', 'expired']);
    }
    await phase(10, [
      enrollLate(strangers[2] as string, 'FR'),
      enrollLate(strangers[3] as string, 'FR'),
    ]);
    await t.app.jobs.runOnce({ recovering: true });

    // No 5xx, and nothing the workload saw go wrong along the way.
    expect(replies.filter((r) => r.status >= 500)).toEqual([]);
    expect(violations).toEqual([]);

    const rows = await db.store.all<{
      id: string;
      status: string;
      step: string;
      failure_reason: string | null;
      sender_id: string;
      recipient_id: string;
      amount: number;
      sca: string;
      review: number;
      request_id: string | null;
      created_at: number;
      approved_at: number | null;
    }>('SELECT * FROM transfers ORDER BY created_at');
    // Every acknowledged transfer exists once, and nothing else was created.
    expect(new Set(acknowledged.values()).size).toBe(acknowledged.size);
    expect(rows.map((r) => r.id).sort()).toEqual([...acknowledged.values()].sort());
    expect(rows.length).toBeGreaterThan(60);
    expect(rows.filter((r) => !['done', 'review', 'await'].includes(r.step))).toEqual([]);

    // The card network: at most one charge each, and exactly what the final state says.
    const ops = await db.store.all<{ key: string }>(
      "SELECT key FROM sandbox_operations WHERE outcome = 'approved'",
    );
    const count = new Map<string, number>();
    for (const o of ops) count.set(o.key, (count.get(o.key) ?? 0) + 1);
    const n = (id: string, k: string) => count.get(`${id}:${k}`) ?? 0;
    const refunded = ['payout_failed', 'recipient_not_domestic'];
    for (const r of rows) {
      const charged =
        r.status === 'completed' || r.status === 'canceled' || r.status === 'awaiting_recipient'
          ? 1
          : r.status === 'failed' && refunded.includes(r.failure_reason ?? '')
            ? 1
            : 0;
      const outcome = [r.id, r.status, n(r.id, 'charge'), n(r.id, 'payout'), n(r.id, 'refund')];
      expect(outcome).toEqual([
        r.id,
        r.status,
        charged,
        r.status === 'completed' ? 1 : 0,
        charged && r.status !== 'completed' && r.status !== 'awaiting_recipient' ? 1 : 0,
      ]);
    }

    // No money moved from or to an account while it was frozen: no transfer was created, and
    // no held one approved (its charge reserved), by a call made and answered within a freeze
    // of its sender or recipient. The sender's lock orders its freezes and its transfers, so
    // for the sender the transfer's own timestamp says it too.
    const charged = await db.store.all<{ transfer_id: string }>(
      "SELECT transfer_id FROM ledger_movements WHERE id LIKE '%:charge'",
    );
    const inside = (periods: typeof frozen, user: string, w?: { start: number; end: number }) =>
      w !== undefined && periods.some((p) => p.user === user && p.from < w.start && w.end < p.to);
    const at = (time: number) => ({ start: Number(time), end: Number(time) });
    for (const r of rows) {
      const decided = [created.get(r.id), at(r.created_at)];
      if (charged.some((c) => c.transfer_id === r.id) && Number(r.review) === 1)
        decided.push(approved.get(r.id));
      for (const w of decided) {
        expect(inside(frozen, r.sender_id, w), `${r.id} from a frozen ${r.sender_id}`).toBe(false);
        expect(inside(frozen, r.recipient_id, w), `${r.id} to a frozen ${r.recipient_id}`).toBe(
          false,
        );
      }
      // Nor from a secured account before it was unlocked.
      expect(inside(locked, r.sender_id, at(r.created_at)), `${r.id} while locked`).toBe(false);
    }

    // No sender went over a limit: 500 a transfer, 250 in any 7 days (new accounts) of money
    // moved (a hold approved late moved it at its approval), 30 without the PIN.
    const live = rows.filter((r) => r.status !== 'failed' && r.status !== 'canceled');
    const moved = (r: (typeof rows)[number]) => Number(r.approved_at ?? r.created_at);
    for (const r of live) {
      const at = moved(r);
      const week = live
        .filter((x) => x.sender_id === r.sender_id)
        .filter((x) => moved(x) > at - 7 * DAY && moved(x) <= at)
        .reduce((sum, x) => sum + Number(x.amount), 0);
      expect([r.id, week <= 25_000]).toEqual([r.id, true]);
      expect(Number(r.amount)).toBeLessThanOrEqual(50_000);
      if (r.sca === 'exempt') expect(Number(r.amount)).toBeLessThanOrEqual(3000);
    }

    // Every request agrees with the transfer that pays it.
    const requests = await db.store.all<{
      id: string;
      status: string;
      transfer_id: string | null;
      amount: number;
    }>('SELECT id, status, transfer_id, amount FROM payment_requests');
    expect(requests.length).toBeGreaterThan(40);
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const q of requests) {
      const paying = rows.filter((r) => r.request_id === q.id);
      const completed = paying.filter((r) => r.status === 'completed');
      const inFlight = paying.filter(
        (r) => r.status === 'pending' || r.status === 'awaiting_recipient',
      );
      const linked = q.transfer_id ? byId.get(q.transfer_id) : undefined;
      const seen = [q.id, q.status, completed.length, inFlight.length, linked?.status ?? null];
      if (q.status === 'paid') expect(seen).toEqual([q.id, 'paid', 1, 0, 'completed']);
      else if (q.status === 'open' && q.transfer_id) {
        expect(seen).toEqual([q.id, 'open', 0, 1, inFlight[0]?.status]);
        expect(inFlight[0]?.id).toBe(q.transfer_id);
      } else expect(seen).toEqual([q.id, q.status, 0, 0, null]);
    }

    expect(await statusOf(users[0] as string)).not.toBe('frozen');
    const report = await checkLedger(db.store);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  }, 120_000);
});
