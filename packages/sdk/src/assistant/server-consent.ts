import { SettleError } from '../errors.js';
import type { AssistantPreferences, ConsentStore, PreferencesChange } from './preferences.js';

/**
 * Anything that can call the Settle API with the user's token: the SDK client, or your own
 * wrapper. `path` starts with `/v1/`.
 */
export interface SettleFetcher {
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

/** Where the Settle server is and how to get the user's token. */
export interface ServerConsentOptions {
  /** The Settle server, for example `https://settle.chat.example`. */
  baseUrl: string;
  /** The user token, or a function called before each request (it may refresh the token). */
  token: string | (() => string | Promise<string>);
  /** Called with the full URL; defaults to the global `fetch`. */
  fetch?: (url: string, init?: RequestInit) => Promise<Response>;
}

/**
 * The server refused or could not be reached; `code` is the API's error code. A `SettleError`,
 * as every error of the SDK.
 */
export class ConsentStoreError extends SettleError {
  constructor(
    message: string,
    /** The HTTP status, or 0 when the server could not be reached. */
    readonly status: number,
    readonly code: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ConsentStoreError';
  }
}

const path = '/v1/assistant/preferences';

function fetcherOf(options: SettleFetcher | ServerConsentOptions): SettleFetcher {
  if (!('baseUrl' in options)) return options;
  const { baseUrl, token } = options;
  const doFetch = options.fetch ?? ((url, init) => fetch(url, init));
  return {
    async fetch(route, init = {}) {
      const headers = new Headers(init.headers);
      headers.set('Authorization', `Bearer ${typeof token === 'string' ? token : await token()}`);
      return doFetch(new URL(route, baseUrl).href, { ...init, headers });
    },
  };
}

/**
 * Keeps the assistant's consent choices on the Settle server, per user, so they follow the
 * user to every device. Takes either `{ baseUrl, token }` or any object with a
 * `fetch(path, init)` that adds the user's token (such as the SDK client).
 *
 * @example
 * const consent = serverConsent({ baseUrl: 'https://settle.chat.example', token: getToken });
 * const assistant = createAssistant({ userId, consent, providers: [moneyProvider({ currency: 'EUR' })] });
 */
export function serverConsent(client: SettleFetcher | ServerConsentOptions): ConsentStore {
  const fetcher = fetcherOf(client);

  async function call(init: RequestInit): Promise<AssistantPreferences> {
    let res: Response;
    try {
      res = await fetcher.fetch(path, init);
    } catch (cause) {
      throw new ConsentStoreError('The Settle server could not be reached.', 0, 'network_error', {
        cause,
      });
    }
    const body = (await res.json().catch(() => undefined)) as
      | (AssistantPreferences & { error?: { code?: string; message?: string } })
      | undefined;
    if (!res.ok || !Array.isArray(body?.mutedConversations)) {
      const error = body?.error;
      throw new ConsentStoreError(
        error?.message ?? `The Settle server answered ${res.status} unexpectedly.`,
        res.status,
        error?.code ?? 'unexpected_response',
      );
    }
    const { enabled, providers, mutedConversations, neverKinds, version } = body;
    return { enabled, providers, mutedConversations, neverKinds, version };
  }

  return {
    load: () => call({ method: 'GET' }),
    save: (change: PreferencesChange) =>
      call({
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(change),
      }),
  };
}
