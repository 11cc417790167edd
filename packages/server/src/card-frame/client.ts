/*
 * The card frame's browser script. The server serves it as `/card-frame.js` with
 * `(${cardFrameMain.toString()})();`, so `cardFrameMain` must stay self-contained: no imports, no
 * module-level values, only browser globals (the Luhn and brand rules are repeated for that
 * reason; `../cards/` holds the server's copies).
 *
 * The server package compiles without the DOM library, so the few browser APIs used here are
 * described below. `declare` emits nothing: at run time these names are the browser's globals.
 */

interface FrameEvent {
  preventDefault(): void;
  /** Set on `input` events: `deleteContentBackward` and friends. */
  inputType?: string;
}
interface FrameMessageEvent extends FrameEvent {
  origin: string;
  source: unknown;
  data: unknown;
}
interface FrameEventTarget {
  addEventListener<E extends FrameEvent>(type: string, listener: (event: E) => void): void;
}
interface FrameElement extends FrameEventTarget {
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  hasAttribute(name: string): boolean;
  getBoundingClientRect(): { height: number };
  focus(): void;
}
interface FrameInput extends FrameElement {
  value: string;
  selectionStart: number | null;
  setSelectionRange(start: number, end: number): void;
}
interface FrameForm extends FrameElement {
  requestSubmit(): void;
}
interface FrameWindow extends FrameEventTarget {
  postMessage(message: unknown, targetOrigin: string): void;
}
declare const document: {
  documentElement: FrameElement & { lang: string };
  body: FrameElement;
  activeElement: unknown;
  getElementById(id: string): FrameElement | null;
};
declare const window: FrameWindow;
declare const parent: FrameWindow;
declare const ResizeObserver: new (callback: () => void) => { observe(target: FrameElement): void };

/**
 * Runs the card frame in the browser: formats and checks the fields as the user types, exchanges
 * the card for a token at `POST /v1/card-tokens` (same origin), and talks to the embedding chat
 * app with `postMessage`, only ever to and from `data-parent-origin` and the parent window.
 *
 * Messages posted to the parent (never containing the card number or CVC):
 * `settle:card-ready`, `settle:card-resize { height }`, `settle:card-change { complete, brand }`,
 * `settle:card-token { token, card: { brand, last4, expMonth, expYear } }` and
 * `settle:card-error { code }` (server codes, or `invalid_number`, `invalid_expiry`,
 * `expired_card`, `invalid_cvc`, `network_error` from the frame itself).
 *
 * Messages accepted from the parent: `settle:card-submit` (the chat app's own button),
 * `settle:card-theme { theme: 'light' | 'dark' }`, and the outcome of attaching the token:
 * `settle:card-saved` (the frame then says so and empties its fields) or
 * `settle:card-not-saved { message, refused }` (said beside the fields; when `refused`, the
 * card itself was refused and its number is cleared for another one, expiry and CVC kept).
 *
 * @example
 * // Server side: the frame's script is this function's source, run once.
 * app.get('/card-frame.js', (c) =>
 *   c.body(`(${cardFrameMain.toString()})();`, 200, { 'content-type': 'text/javascript' }),
 * );
 */
export function cardFrameMain(): void {
  const root = document.documentElement;
  const parentOrigin = root.dataset.parentOrigin ?? '';
  const byId = <T extends FrameElement>(id: string) => document.getElementById(id) as T | null;
  const form = byId<FrameForm>('card-form');
  const number = byId<FrameInput>('card-number');
  const expiry = byId<FrameInput>('card-expiry');
  const cvc = byId<FrameInput>('card-cvc');
  const button = byId<FrameElement>('card-submit');
  const alertRegion = byId<FrameElement>('card-error');
  const statusRegion = byId<FrameElement>('card-status');
  if (!form || !number || !expiry || !cvc || !button || !alertRegion || !statusRegion) return;
  const inputs = [number, expiry, cvc];
  const text = form.dataset;

  // Without a well-formed parent origin nothing is posted: a '*' target could leak to anyone.
  let parentOriginValid = false;
  try {
    parentOriginValid = new URL(parentOrigin).origin === parentOrigin;
  } catch {
    parentOriginValid = false;
  }
  const post = (message: Record<string, unknown>) => {
    if (parentOriginValid) parent.postMessage(message, parentOrigin);
  };

  const isRecord = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null;
  const digitsOf = (value: string) => value.replace(/\D/g, '');

  const luhn = (pan: string) => {
    if (!/^\d{12,19}$/.test(pan)) return false;
    let sum = 0;
    for (let i = 0; i < pan.length; i++) {
      let digit = Number(pan[pan.length - 1 - i]);
      if (i % 2 === 1) {
        digit *= 2;
        if (digit > 9) digit -= 9;
      }
      sum += digit;
    }
    return sum % 10 === 0;
  };

  const brandOf = (pan: string) => {
    const four = Number(pan.slice(0, 4));
    if (pan.startsWith('4')) return 'visa';
    if (/^3[47]/.test(pan)) return 'amex';
    if (/^5[1-5]/.test(pan) || (pan.length >= 4 && four >= 2221 && four <= 2720)) {
      return 'mastercard';
    }
    return 'unknown';
  };

  /** MM/YY as typed (or MM/YYYY from autofill), as a month and a four-digit year. */
  const parseExpiry = () => {
    const match = /^(\d{1,2})\s*\/\s*(\d{2}|\d{4})$/.exec(expiry.value.trim());
    if (!match) return undefined;
    const month = Number(match[1]);
    const yearText = match[2] ?? '';
    const year = yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
    return month >= 1 && month <= 12 ? { month, year } : undefined;
  };

  /** The first problem of the form, in field order, or the values to send. */
  const check = () => {
    const pan = digitsOf(number.value);
    if (!luhn(pan)) {
      return { ok: false, code: 'invalid_number', field: number, message: text.msgNumber } as const;
    }
    const exp = parseExpiry();
    if (!exp) {
      return { ok: false, code: 'invalid_expiry', field: expiry, message: text.msgExpiry } as const;
    }
    const now = new Date();
    // A card is valid until the last day of its expiry month.
    const current = now.getFullYear() * 12 + now.getMonth() + 1;
    if (exp.year * 12 + exp.month < current) {
      return { ok: false, code: 'expired_card', field: expiry, message: text.msgExpired } as const;
    }
    if (cvc.value.length !== (brandOf(pan) === 'amex' ? 4 : 3)) {
      return { ok: false, code: 'invalid_cvc', field: cvc, message: text.msgCvc } as const;
    }
    return { ok: true, pan, expMonth: exp.month, expYear: exp.year, cvc: cvc.value } as const;
  };

  const showError = (message: string, field?: FrameInput) => {
    alertRegion.textContent = message;
    for (const input of inputs) {
      if (input === field) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
  };

  /** Typing into a field flagged as wrong takes the flag and its message away. */
  const clearErrorOf = (field: FrameInput) => {
    if (!field.hasAttribute('aria-invalid')) return;
    field.removeAttribute('aria-invalid');
    alertRegion.textContent = '';
  };

  const reportChange = () => {
    post({
      type: 'settle:card-change',
      complete: check().ok,
      brand: brandOf(digitsOf(number.value)),
    });
  };

  number.addEventListener('input', () => {
    const value = number.value;
    const digitsBeforeCaret = digitsOf(
      value.slice(0, number.selectionStart ?? value.length),
    ).length;
    const formatted = digitsOf(value)
      .slice(0, 19)
      .replace(/(\d{4})(?=\d)/g, '$1 ');
    if (formatted !== value) {
      number.value = formatted;
      // Keep the caret after the same digit, wherever the spaces moved.
      let caret = 0;
      for (let seen = 0; caret < formatted.length && seen < digitsBeforeCaret; caret++) {
        if (formatted[caret] !== ' ') seen++;
      }
      if (document.activeElement === number) number.setSelectionRange(caret, caret);
    }
    clearErrorOf(number);
    reportChange();
  });

  expiry.addEventListener('input', (event: FrameEvent) => {
    const value = expiry.value;
    // Autofill may write MM/YYYY; keep the month and the last two digits of the year.
    const long = /^(\d{1,2})\s*\/\s*\d{2}(\d{2})$/.exec(value.trim());
    let digits = long ? `${(long[1] ?? '').padStart(2, '0')}${long[2] ?? ''}` : digitsOf(value);
    // A first digit above 1 can only be a month: "4" means April.
    if (/^[2-9]$/.test(digits)) digits = `0${digits}`;
    digits = digits.slice(0, 4);
    const deleting = event.inputType?.startsWith('delete') ?? false;
    let formatted = digits.length > 2 ? `${digits.slice(0, 2)}/${digits.slice(2)}` : digits;
    // Add the slash as soon as the month is complete, but let Backspace remove it.
    if (digits.length === 2 && !deleting) formatted = `${digits}/`;
    if (formatted !== value) expiry.value = formatted;
    clearErrorOf(expiry);
    reportChange();
  });

  cvc.addEventListener('input', () => {
    const digits = digitsOf(cvc.value).slice(0, 4);
    if (digits !== cvc.value) cvc.value = digits;
    clearErrorOf(cvc);
    reportChange();
  });

  // Early feedback when leaving a field, not while it is still being typed.
  number.addEventListener('blur', () => {
    if (number.value !== '' && !luhn(digitsOf(number.value))) {
      showError(text.msgNumber ?? '', number);
    }
  });
  expiry.addEventListener('blur', () => {
    const result = check();
    if (expiry.value !== '' && !result.ok && result.field === expiry) {
      showError(result.message ?? '', expiry);
    }
  });

  let busy = false;
  form.addEventListener('submit', async (event: FrameEvent) => {
    event.preventDefault();
    if (busy) return;
    const result = check();
    if (!result.ok) {
      showError(result.message ?? '', result.field);
      result.field.focus();
      post({ type: 'settle:card-error', code: result.code });
      return;
    }
    busy = true;
    // Not `disabled`: a disabled button loses the focus, which would fall to the page's body.
    button.setAttribute('aria-disabled', 'true');
    form.setAttribute('aria-busy', 'true');
    statusRegion.textContent = '';
    try {
      const response = await fetch('/v1/card-tokens', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          // The server's error messages are shown as they are, so ask for the frame's language.
          'accept-language': root.lang,
        },
        body: JSON.stringify({
          number: result.pan,
          expMonth: result.expMonth,
          expYear: result.expYear,
          cvc: result.cvc,
        }),
        cache: 'no-store',
        credentials: 'same-origin',
      });
      const body: unknown = await response.json().catch(() => undefined);
      if (response.ok && isRecord(body) && typeof body.token === 'string') {
        const card = isRecord(body.card) ? body.card : {};
        // Forward only the displayable fields, whatever else the response holds.
        post({
          type: 'settle:card-token',
          token: body.token,
          card: {
            brand: card.brand,
            last4: card.last4,
            expMonth: card.expMonth,
            expYear: card.expYear,
          },
        });
        // Not saved yet: the chat app attaches the token, and the card may still be refused.
        showError('');
        return;
      }
      const error = isRecord(body) && isRecord(body.error) ? body.error : {};
      const param = error.param;
      const field =
        param === 'number'
          ? number
          : param === 'expMonth' || param === 'expYear'
            ? expiry
            : param === 'cvc'
              ? cvc
              : undefined;
      // The frame's own words where it knows the case, in its language; the server's otherwise.
      const own =
        response.status === 429
          ? text.msgTooMany
          : response.status >= 500
            ? text.msgUnavailable
            : error.code === 'card_expired'
              ? text.msgExpired
              : error.code === 'card_number_invalid'
                ? text.msgNumber
                : undefined;
      const message =
        own ?? (typeof error.message === 'string' ? error.message : (text.msgNetwork ?? ''));
      showError(message, field);
      field?.focus();
      post({
        type: 'settle:card-error',
        code: typeof error.code === 'string' ? error.code : `http_${response.status}`,
      });
    } catch {
      showError(text.msgNetwork ?? '');
      post({ type: 'settle:card-error', code: 'network_error' });
    } finally {
      busy = false;
      button.removeAttribute('aria-disabled');
      form.removeAttribute('aria-busy');
    }
  });

  window.addEventListener('message', (event: FrameMessageEvent) => {
    // Only the embedding chat app drives the frame: its origin AND the parent window itself,
    // so neither another origin nor a sibling frame of the chat app's origin can submit.
    if (!parentOriginValid || event.origin !== parentOrigin || event.source !== parent) return;
    const data = event.data;
    if (!isRecord(data)) return;
    if (data.type === 'settle:card-submit') {
      form.requestSubmit();
    } else if (data.type === 'settle:card-theme') {
      if (data.theme === 'light' || data.theme === 'dark') root.dataset.theme = data.theme;
    } else if (data.type === 'settle:card-saved') {
      for (const input of inputs) input.value = '';
      showError('');
      statusRegion.textContent = text.msgSaved ?? '';
      reportChange();
    } else if (data.type === 'settle:card-not-saved' && typeof data.message === 'string') {
      // Another card is needed: its number is typed again, with the focus there.
      const refused = data.refused === true;
      if (refused) number.value = '';
      showError(data.message, refused ? number : undefined);
      (refused ? number : button).focus();
      reportChange();
    }
  });

  post({ type: 'settle:card-ready' });

  // The chat app sizes the iframe to its content: report the height whenever it changes.
  let lastHeight = -1;
  new ResizeObserver(() => {
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height !== lastHeight) {
      lastHeight = height;
      post({ type: 'settle:card-resize', height });
    }
  }).observe(document.body);
}
