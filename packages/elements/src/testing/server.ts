// Browser-side helpers for the component tests: the real Settle server started by
// web-test-runner (testing/settle-server.mjs) and the platform routes it exposes.
import { fixture } from '@open-wc/testing';
import { createSettle, type MoneyRequest } from '@settle/sdk';

let config: Promise<{ baseUrl: string }> | undefined;

/** The Settle server's URL (another origin than the test page). */
export async function settleUrl(): Promise<string> {
  config ??= fetch('/__settle/config').then((res) => res.json());
  return (await config).baseUrl;
}

/** A user id no other test uses. */
export const uid = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}`;

/** The platform's token endpoint for `userId`, as a chat app's `token-url`. */
export const tokenUrl = (userId: string) => `/__settle/token?user=${encodeURIComponent(userId)}`;

async function get<T>(path: string): Promise<T> {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<T>;
}

/** Enrolls `userId` (PIN `PIN`) on the server; answers the phone used. */
export const enroll = (userId: string, card?: string) =>
  get<{ phone: string }>(
    `/__settle/enroll?user=${encodeURIComponent(userId)}${card ? `&card=${card}` : ''}`,
  );

export const PIN = '914273';

/** The code of the newest SMS sent to `phone` (E.164). */
export const smsCode = async (phone: string) =>
  (await get<{ code: string | null }>(`/__settle/sms?phone=${encodeURIComponent(phone)}`)).code;

/** The next payout of `senderId`'s transfers fails once: the transfer stays pending ~1 s. */
export const hiccupNextPayout = (senderId: string) =>
  get(`/__settle/hiccup?sender=${encodeURIComponent(senderId)}`);

/** Moves the server's clock on (resend timers, expiries). */
export const advanceClock = (ms: number) => get(`/__settle/clock?advance=${ms}`);

/**
 * Makes Settle unreachable from this page, as when its server is stopped (the page's own
 * server still answers), until `back()` is called; `restore()` puts the real fetch back.
 */
export async function settleDown() {
  const settle = await settleUrl();
  const realFetch = window.fetch;
  let down = true;
  window.fetch = (input, init) =>
    down && String(input instanceof Request ? input.url : input).startsWith(settle)
      ? Promise.reject(new TypeError('Failed to fetch'))
      : realFetch(input, init);
  return {
    back: () => {
      down = false;
    },
    restore: () => {
      window.fetch = realFetch;
    },
  };
}

/** An SDK client for `userId`, as another person's device. */
export async function sdkFor(userId: string) {
  const baseUrl = await settleUrl();
  return createSettle({
    baseUrl,
    getToken: () => fetch(tokenUrl(userId)).then((res) => res.text()),
  });
}

/** Waits until `check` returns something truthy (state reached over the network). */
export async function until<T>(
  check: () => T | Promise<T>,
  ms = 5000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The first element matching `selector` inside `host`'s shadow root. */
export function inShadow<T extends Element = HTMLElement>(host: Element, selector: string): T {
  const found = host.shadowRoot?.querySelector<T>(selector);
  if (!found) throw new Error(`${host.localName}: nothing matches ${selector}`);
  return found;
}

/** The visible text of `el` and its shadow content, spaces normalized. */
export function textOf(el: Element): string {
  const parts: string[] = [];
  const walk = (node: Node) => {
    if (node instanceof HTMLElement && (node.hidden || node.localName === 'style')) return;
    if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent ?? '');
    const root = node instanceof Element ? node.shadowRoot : null;
    for (const child of (root ?? node).childNodes) walk(child);
    if (node instanceof HTMLSlotElement) for (const n of node.assignedNodes()) walk(n);
  };
  walk(el);
  return parts
    .join(' ')
    .replace(/[\s\u202f\u00a0]+/g, ' ')
    .trim();
}

/** What has the focus inside `host`'s shadow root: its `part`, else its id, else its tag. */
export function focused(host: Element): string | null {
  const active = host.shadowRoot?.activeElement;
  return active ? active.getAttribute('part') || active.id || active.localName : null;
}

/** Two enrolled people and a request of `value` euro cents from `payer` to `payee`. */
export async function requestBetween(value: number, note?: string) {
  const [payee, payer] = [uid('alice'), uid('bob')];
  await Promise.all([enroll(payee), enroll(payer)]);
  const { data } = await (await sdkFor(payee)).requests.create({
    ...(note ? { note } : {}),
    payers: [{ userId: payer, amount: { value, currency: 'EUR' } }],
  });
  return { payee, payer, requestId: (data[0] as MoneyRequest).id };
}

/**
 * `viewer`'s bubble of a request inside a provider in `lang`, put on the page as plain HTML
 * (upgraded as a page's elements are), in a new host. Returned before its first render.
 */
export async function bubbleOnPage(viewer: string, requestId: string, lang: string) {
  const host = await fixture<HTMLDivElement>('<div></div>');
  host.innerHTML = `<settle-provider lang="${lang}" base-url="${await settleUrl()}"
    token-url="${tokenUrl(viewer)}"><settle-payment-bubble request-id="${requestId}">
    </settle-payment-bubble></settle-provider>`;
  const el = host.querySelector('settle-payment-bubble') as HTMLElement & {
    updateComplete: Promise<boolean>;
  };
  return { host, el };
}
