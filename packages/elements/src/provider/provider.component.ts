import { provide } from '@lit/context';
import {
  type Account,
  createSettle,
  RateLimitError,
  ServerError,
  type Settle,
  SettleConnectionError,
  type SettleEvent,
} from '@settle/sdk';
import type { Assistant } from '@settle/sdk/assistant';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { applyLanguage, languageLoaded } from '../i18n/localization.js';
import { type SettleSession, settleContext } from '../session/context.js';
import { browserDeviceId } from './device-id.js';

/**
 * @summary Connects the Settle elements inside it to one Settle server and one user: one SDK
 * client, one account, one live event stream, one language.
 *
 * @slot - The chat app's content with Settle elements anywhere inside.
 * @fires settle-account - The account loaded or changed: `detail.account`.
 * @fires settle-error - The account could not be loaded: `detail.error`.
 */
export class SettleProvider extends LitElement {
  static override styles = css`
    :host {
      display: contents;
    }
    :host([theme='light']) {
      --settle-color-scheme: light;
    }
    :host([theme='dark']) {
      --settle-color-scheme: dark;
    }
  `;

  /** The Settle server, e.g. `https://settle.chat.example`. */
  @property({ attribute: 'base-url' }) baseUrl = '';

  /**
   * Your endpoint answering the signed-in user's token as text (sent with the page's cookies).
   * Ignored when `getToken` is set.
   */
  @property({ attribute: 'token-url' }) tokenUrl = '';

  /** Returns the user's token, minted by your platform's server. */
  @property({ attribute: false }) getToken?: () => string | Promise<string>;

  /** An SDK client you made yourself, instead of `base-url` with a token. */
  @property({ attribute: false }) client?: Settle;

  /** `light` or `dark` for every element inside; by default the user's preference. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  /** Names people as your chat app shows them; user ids by default. */
  @property({ attribute: false }) displayName: (userId: string) => string = (id) => id;

  /** The on-device assistant (`createAssistant` of `@settle/sdk/assistant`) for the chips. */
  @property({ attribute: false }) assistant?: Assistant;

  @provide({ context: settleContext })
  @state()
  protected session?: SettleSession;

  @state() private account?: Account;
  @state() private accountError: unknown;
  @state() private streamOpens = 0;

  private readonly listeners = new Set<(event: SettleEvent) => void>();
  private unsubscribe?: () => void;
  private loading = 0;
  private accountRetry?: ReturnType<typeof setTimeout>;
  private accountRetries = 0;
  private languageObserver?: MutationObserver;
  /** The client of the session, set before the session itself while a translation loads. */
  private currentClient?: Settle;

  override connectedCallback() {
    super.connectedCallback();
    // Back on a page (moved, or put back): take its language again.
    this.requestUpdate();
    // `lang` on the provider or any ancestor (the page's `<html lang>`) picks the language.
    this.languageObserver = new MutationObserver(() => this.requestUpdate());
    for (let node: Element | null = this; node; node = node.parentElement) {
      this.languageObserver.observe(node, { attributes: true, attributeFilter: ['lang'] });
    }
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.languageObserver?.disconnect();
    clearTimeout(this.reloadTimer);
    clearTimeout(this.accountRetry);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** The SDK client the elements use. */
  get settle(): Settle | undefined {
    return this.session?.client;
  }

  private makeClient(): Settle | undefined {
    if (this.client) return this.client;
    if (!this.baseUrl || (!this.getToken && !this.tokenUrl)) return undefined;
    const tokenUrl = this.tokenUrl;
    const getToken =
      this.getToken ??
      (async () => {
        const res = await fetch(tokenUrl, { credentials: 'include' });
        if (!res.ok) throw new Error(`token-url answered ${res.status}`);
        return (await res.text()).trim();
      });
    return createSettle({ baseUrl: this.baseUrl, getToken, deviceId: browserDeviceId() });
  }

  private get language(): string {
    return (
      this.closest('[lang]')?.getAttribute('lang') ||
      document.documentElement.lang ||
      navigator.language
    );
  }

  override willUpdate(changed: PropertyValues<this>) {
    const clientChanged =
      changed.has('client') ||
      changed.has('baseUrl') ||
      changed.has('tokenUrl') ||
      changed.has('getToken');
    let client = this.currentClient;
    if (clientChanged || !client) {
      client = this.makeClient();
      if (client !== this.currentClient) {
        this.currentClient = client;
        this.unsubscribe?.();
        this.unsubscribe = undefined;
        this.account = undefined;
        this.accountError = undefined;
        if (client) void this.loadAccount(client);
      }
    }
    const locale = this.language;
    // The language is the page's: a provider taken out of it (an account load finishing
    // late) must not switch it back under the providers still there.
    const onPage = this.isConnected;
    if (!client) {
      this.session = undefined;
      if (onPage) void applyLanguage(locale);
      return;
    }
    if (onPage && !languageLoaded(locale)) {
      // Keep the elements loading (or in the previous language) until the translation
      // arrives, rather than flashing English text with French money.
      void applyLanguage(locale).then(() => this.requestUpdate());
      return;
    }
    const theme = this.theme;
    const previous = this.session;
    if (
      !previous ||
      previous.client !== client ||
      previous.account !== this.account ||
      previous.accountError !== this.accountError ||
      previous.locale !== locale ||
      previous.theme !== theme ||
      previous.assistant !== this.assistant ||
      previous.streamOpens !== this.streamOpens ||
      changed.has('displayName')
    ) {
      const displayName = this.displayName;
      this.session = {
        client,
        baseUrl: this.client ? (previous?.baseUrl ?? this.baseUrl) : this.baseUrl,
        account: this.account,
        accountError: this.accountError,
        reloadAccount: () => this.loadAccount(client),
        setAccount: (account) => this.setAccount(account),
        locale,
        theme,
        displayName: (id) => displayName(id) || id,
        onEvent: (listener) => this.onEvent(listener),
        streamOpens: this.streamOpens,
        assistant: this.assistant,
      };
    }
  }

  private async loadAccount(client: Settle) {
    const ticket = ++this.loading;
    this.accountError = undefined;
    try {
      const account = await client.account.get();
      if (ticket === this.loading && client === this.currentClient) this.setAccount(account);
    } catch (error) {
      if (ticket !== this.loading) return;
      this.accountError = error;
      this.dispatchEvent(new CustomEvent('settle-error', { detail: { error }, bubbles: true }));
      // Unreachable or failing for now: try again by itself, 1 s, 2 s, 4 s... up to 30 s.
      const transient =
        error instanceof SettleConnectionError ||
        error instanceof ServerError ||
        error instanceof RateLimitError;
      if (transient && this.isConnected) {
        clearTimeout(this.accountRetry);
        const delay = Math.min(30_000, 1000 * 2 ** this.accountRetries++);
        this.accountRetry = setTimeout(() => void this.loadAccount(client), delay);
      }
    }
  }

  private setAccount(account: Account) {
    clearTimeout(this.accountRetry);
    this.accountRetries = 0;
    this.account = account;
    this.accountError = undefined;
    this.dispatchEvent(new CustomEvent('settle-account', { detail: { account }, bubbles: true }));
  }

  private reloadTimer?: ReturnType<typeof setTimeout>;
  private reloadSoon(client: Settle) {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.loadAccount(client), 150);
  }

  /** One event stream for the whole page, open while some element listens. */
  private onEvent(listener: (event: SettleEvent) => void) {
    this.listeners.add(listener);
    const client = this.session?.client;
    // Never for a provider off the page: its elements stopped listening when taken off, and
    // nothing would close the stream (a browser gives a page 6 connections per server).
    if (!this.unsubscribe && client && this.isConnected) {
      this.unsubscribe = client.subscribe(
        (event) => {
          // The stream starts by replaying the user's recent events, oldest first, so an
          // event's account may be older than the one shown: read the current one instead.
          if (event.type === 'account.updated') this.reloadSoon(client);
          for (const each of [...this.listeners]) each(event);
        },
        {
          // Settle is reachable again: an account that could not be read is read now, and
          // the elements waiting on it load in turn; so do those whose own loads failed.
          onOpen: () => {
            this.streamOpens++;
            if (this.accountError) void this.loadAccount(client);
          },
        },
      );
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        this.unsubscribe?.();
        this.unsubscribe = undefined;
      }
    };
  }

  override render() {
    return html`<slot></slot>`;
  }
}
