// The soak's bank workload: people enroll, send money (some to people not yet enrolled),
// ask for money and pay or decline, cancel, retry with the same Idempotency-Key, while the
// platform's admin resolves anti-fraud flags and freezes accounts for a moment. Every
// money-moving POST is retried with its key until it gets a definitive answer, so each key
// ends acknowledged (2xx) or refused (4xx), and the verification can account for all.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/** Sandbox test cards (docs/api.md), most of them good, some failing when money moves. */
export const SOAK_CARDS = [
  ...Array(6).fill('4000002500000003'), // FR, instant
  ...Array(2).fill('4000002500001001'), // FR, 1 business day
  '4000000000000002', // declined
  '4000000000009995', // insufficient funds
];

const eur = (value) => ({ value, currency: 'EUR' });
const YEAR = new Date().getFullYear();

/** A small deterministic PRNG (mulberry32): the same seed makes the same choices. */
export function prng(seed) {
  let s = seed >>> 0;
  return (n) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

export function bankWorkload({ request, random, prefix }) {
  const users = new Map();
  const active = [];
  const ghosts = [];
  /** Every money-moving POST by its key: `{ kind, user, path, body, key, id?, refusal? }`. */
  const keyed = new Map();
  const otps = new Set();
  const everFrozen = new Set();
  const problems = [];
  const counts = {
    enrolled: 0,
    replays: 0,
    replaysRefused: 0,
    ackMismatches: 0,
    cancels: 0,
    declines: 0,
    flagsResolved: 0,
    freezes: 0,
  };
  let stopping = false;
  let sequence = 0;
  let phones = 0;

  const pick = (list) => list[random(list.length)];
  const pause = (ms) => sleep(ms);
  const pinOf = () => String(100_000 + random(900_000));

  /** Retries a call that is safe to repeat until the server answers (up to about a minute). */
  async function answered(call) {
    let last;
    for (let i = 0; i < 120; i++) {
      last = await call();
      if (last.status !== 0 && last.status < 500) return last;
      await pause(200 + random(300));
    }
    return last;
  }

  function acknowledge(entry, body) {
    const id = entry.kind === 'transfer' ? body?.id : body?.groupId;
    if (entry.id && entry.id !== id) {
      counts.ackMismatches++;
      problems.push(`key ${entry.key} acknowledged as ${entry.id}, then as ${id}`);
    }
    entry.id = id;
    if (entry.kind === 'request') entry.requests = body.data;
  }

  /**
   * Sends a money-moving POST until it is definitively answered. `copies` sends the first
   * attempt several times at once, as a client that timed out and retried would.
   */
  async function settleKey(entry, copies = 1) {
    for (let attempt = 0; ; attempt++) {
      const answers = await Promise.all(
        Array.from({ length: attempt === 0 ? copies : 1 }, () =>
          request(entry.user, 'POST', entry.path, { body: entry.body, key: entry.key }),
        ),
      );
      let definitive = false;
      for (const a of answers) {
        if (a.status === 200 || a.status === 201) {
          acknowledge(entry, a.body);
          definitive = true;
        } else if (a.status === 429) {
          await pause(Math.min(a.retryAfter || 1, 5) * 1000);
        } else if (a.status >= 400 && a.status < 500) {
          if (a.body?.error?.type === 'idempotency_error') {
            problems.push(`key ${entry.key}: the same body was refused as another request`);
          }
          entry.refusal = a.body?.error?.code ?? String(a.status);
          definitive = true;
        }
      }
      if (definitive) return entry;
      await pause(100 + random(400));
    }
  }

  function post(kind, user, path, body, copies) {
    const key = `${prefix}-${++sequence}-${randomBytes(3).toString('hex')}`;
    const entry = { kind, user, path, body, key };
    keyed.set(key, entry);
    return settleKey(entry, copies);
  }

  /** The newest code the dev outbox holds for `phone` that was not tried yet. */
  async function codeFor(user) {
    const sms = await request(null, 'GET', '/dev/sms');
    for (const m of sms.body?.data ?? []) {
      if (m.phone !== user.phone) continue;
      const code = m.body.match(/\b(\d{6})\b/)?.[1];
      if (code) otps.add(code);
      return code && !user.triedCodes.has(code) ? code : undefined;
    }
    return undefined;
  }

  /** Takes `id` from new to active, whatever step a crash left it at. */
  async function enroll(id) {
    const user = {
      id,
      phone: `+3361${String(++phones).padStart(7, '0')}`,
      pin: pinOf(),
      card: pick(SOAK_CARDS),
      triedCodes: new Set(),
    };
    users.set(id, user);
    for (let step = 0; step < 60 && !stopping; step++) {
      const account = await answered(() => request(id, 'GET', '/v1/account'));
      if (account.status !== 200) continue;
      const next = account.body.nextStep;
      if (next === null) {
        user.limits = account.body.limits;
        active.push(id);
        counts.enrolled++;
        return;
      }
      if (next === 'profile') {
        await request(id, 'PUT', '/v1/account/profile', {
          body: { legalName: 'Soak Tester', country: 'FR', phone: user.phone },
        });
      } else if (next === 'card') {
        const made = await request(null, 'POST', '/v1/card-tokens', {
          body: { number: user.card, expMonth: 12, expYear: YEAR + 3, cvc: '123' },
        });
        if (made.status === 201) {
          await request(id, 'POST', '/v1/account/card', { body: { token: made.body.token } });
        }
      } else if (next === 'pin') {
        const set = await request(id, 'PUT', '/v1/account/pin', { body: { pin: user.pin } });
        if (set.body?.error?.code === 'pin_too_simple') user.pin = pinOf();
      } else if (next === 'verification') {
        const code = await codeFor(user);
        if (code) {
          user.triedCodes.add(code);
          await request(id, 'POST', '/v1/account/verification/check', { body: { code } });
        } else {
          const sent = await request(id, 'POST', '/v1/account/verification');
          if (sent.status === 429) await pause(Math.min(sent.retryAfter || 1, 30) * 1000);
        }
      } else {
        problems.push(`${id}: unexpected next step ${next}`);
        return;
      }
    }
  }

  async function enroller(n) {
    let made = 0;
    while (!stopping) {
      // Some of the people who were sent money before they enrolled come to collect it.
      const ghost =
        random(3) === 0 && ghosts.length > 0
          ? ghosts.splice(random(ghosts.length), 1)[0]
          : undefined;
      await enroll(ghost ?? `${prefix}-e${n}-${++made}`);
    }
  }

  async function sendMoney(from, to, value = 100 + random(5900), requestId) {
    const sender = users.get(from);
    const body = { recipientId: to, amount: eur(value) };
    if (requestId) body.requestId = requestId;
    if (random(3) === 0) body.note = pick(['Resto', 'Cinéma 🎬', 'Loyer', 'Merci !']);
    // Over 30 EUR, or now and then anyway, the sender confirms with the PIN.
    if (value > 3000 || random(4) === 0) {
      const auth = await answered(() =>
        request(from, 'POST', '/v1/authorizations', {
          body: { pin: sender.pin, amount: eur(value), payeeId: to },
        }),
      );
      if (auth.status === 201) body.authorization = auth.body.authorization;
    }
    return post('transfer', from, '/v1/transfers', body, random(5) === 0 ? 2 : 1);
  }

  async function requestMoney(from) {
    const others = active.filter((u) => u !== from);
    if (others.length === 0) return;
    const payers = [...new Set(Array.from({ length: 1 + random(3) }, () => pick(others)))];
    const body =
      random(2) === 0
        ? { payers: payers.map((userId) => ({ userId, amount: eur(100 + random(3000)) })) }
        : {
            split: { total: eur(300 + random(6000)), among: payers, includeSelf: random(2) === 0 },
          };
    const entry = await post('request', from, '/v1/requests', body);
    for (const r of entry.requests ?? []) {
      const choice = random(10);
      if (choice < 6) await sendMoney(r.payerId, from, r.amount.value, r.id);
      else if (choice < 8) {
        await answered(() => request(r.payerId, 'POST', `/v1/requests/${r.id}/decline`));
        counts.declines++;
      } else if (choice < 9) {
        await answered(() => request(from, 'POST', `/v1/requests/${r.id}/cancel`));
      }
    }
  }

  async function cancelAwaiting(from) {
    const list = await answered(() => request(from, 'GET', '/v1/transfers?limit=20'));
    const waiting = (list.body?.data ?? []).find(
      (t) => t.status === 'awaiting_recipient' && t.senderId === from,
    );
    if (!waiting) return;
    await answered(() => request(from, 'POST', `/v1/transfers/${waiting.id}/cancel`));
    counts.cancels++;
  }

  /** The same key and body again, later: the first answer must come back. */
  async function replay(entry) {
    const again = await request(entry.user, 'POST', entry.path, {
      body: entry.body,
      key: entry.key,
    });
    if (again.status === 0 || again.status >= 500) return false;
    counts.replays++;
    if (again.status === 200 || again.status === 201) acknowledge(entry, again.body);
    else {
      counts.replaysRefused++;
      problems.push(`replay of ${entry.key} (${entry.id}) answered ${again.status}`);
    }
    return true;
  }

  async function payer() {
    while (!stopping) {
      const from = pick(active);
      if (!from) {
        await pause(200);
        continue;
      }
      const choice = random(100);
      if (choice < 50) {
        const others = active.filter((u) => u !== from);
        if (others.length > 0) await sendMoney(from, pick(others));
      } else if (choice < 60) {
        if (ghosts.length === 0 || random(3) === 0) ghosts.push(`${prefix}-g${++sequence}`);
        await sendMoney(from, pick(ghosts));
      } else if (choice < 78) await requestMoney(from);
      else if (choice < 86) await cancelAwaiting(from);
      else if (choice < 94) {
        const acked = [...keyed.values()].filter((e) => e.id);
        if (acked.length > 0) await replay(pick(acked));
      } else await answered(() => request(from, 'GET', '/v1/requests?limit=10'));
    }
  }

  async function resolveFlags() {
    const flags = await request('admin', 'GET', '/v1/admin/flags?status=open&limit=50');
    for (const f of flags.body?.data ?? []) {
      const decision = random(10) < 7 ? 'approve' : 'reject';
      const done = await request('admin', 'POST', `/v1/admin/flags/${f.id}/resolve`, {
        body: { decision },
      });
      if (done.status === 200) counts.flagsResolved++;
    }
    return flags.body?.data?.length ?? -1;
  }

  async function admin() {
    while (!stopping) {
      await pause(1000 + random(2000));
      await resolveFlags();
      const victim = random(4) === 0 ? pick(active) : undefined;
      if (victim) {
        everFrozen.add(victim);
        await answered(() => request('admin', 'POST', `/v1/admin/accounts/${victim}/freeze`));
        counts.freezes++;
        await pause(500 + random(1500));
        await answered(() => request('admin', 'POST', `/v1/admin/accounts/${victim}/unfreeze`));
      }
    }
  }

  return {
    users,
    keyed,
    otps,
    problems,
    counts,
    /** Runs `payers` payers, `enrollers` enrollers and the admin until `stop()`. */
    run({ payers, enrollers }) {
      return Promise.all([
        ...Array.from({ length: enrollers }, (_, n) => enroller(n)),
        ...Array.from({ length: payers }, () => payer()),
        admin(),
      ]);
    },
    stop() {
      stopping = true;
    },
    /** After the run: every flag resolved, every account unfrozen, so money can settle. */
    async wrapUp() {
      for (const id of everFrozen) {
        await answered(() => request('admin', 'POST', `/v1/admin/accounts/${id}/unfreeze`));
      }
      for (let i = 0; i < 60 && (await resolveFlags()) !== 0; i++) await pause(500);
    },
    /** Sends every acknowledged key again: each must answer with what it first answered. */
    async replayAll() {
      const acked = [...keyed.values()].filter((e) => e.id);
      const queue = [...acked];
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let e = queue.pop(); e; e = queue.pop()) {
            while (!(await replay(e))) await pause(200);
          }
        }),
      );
      return acked.length;
    },
  };
}
