import type { Account, MoneyRequest, Transfer } from '@settle/sdk';
import {
  type Assistant,
  type AssistantProvider,
  createAssistant,
  isMoneySuggestion,
  moneyProvider,
  type Suggestion,
  serverConsent,
} from '@settle/sdk/assistant';
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { type Conversation, chatApi, type Message, type Person, type Sms } from './chat-client.js';
import { type Language, strings } from './i18n.js';
import { backIcon, closeIcon, historyIcon, settingsIcon } from './icons.js';
import { reminderProvider, rideProvider, weatherProvider } from './providers.js';

/** The Settle elements the shell opens itself (they come from settle-elements.js). */
interface OpensDialog extends HTMLElement {
  open(options?: { amount?: number; note?: string }): Promise<void>;
}
interface ProviderElement extends HTMLElement {
  settle?: {
    account: { secure(): Promise<Account> };
    requests: { get(id: string): Promise<MoneyRequest> };
  };
}

type Screen = 'chat' | 'setup' | 'history' | 'settings';

// In priority order: of two suggestions for one message, the first provider's shows.
const examples: AssistantProvider[] = [weatherProvider, rideProvider, reminderProvider];
/** How long a notification stays on the phone. */
const NOTIFICATION_MS = 30_000;

/**
 * One person's phone: their conversations, payments and assistant, connected to Settle as
 * that person through one `<settle-provider>`.
 */
export class DemoPhone extends LitElement {
  @property({ attribute: false }) person!: Person;
  @property({ attribute: false }) people = new Map<string, Person>();
  /** The conversations this person is in. */
  @property({ attribute: false }) conversations: Conversation[] = [];
  @property({ attribute: false }) messages: Record<string, Message[]> = {};
  @property({ attribute: false }) settleUrl = '';
  @property({ attribute: false }) language: Language = 'en';
  @property({ type: Boolean }) dark = false;

  @state() private screen: Screen = 'chat';
  @state() private active = '';
  @state() private account?: Account;
  @state() private notifications: Sms[] = [];
  @state() private notice = '';
  @state() private consentFor?: { provider: AssistantProvider; answer(yes: boolean): void };
  @state() private assistantEnabled = true;
  @state() private choices: Record<string, 'on' | 'off'> = {};

  private assistant?: Assistant;
  private readonly getToken = () => chatApi.token(this.person.id);
  private readonly displayName = (id: string) => this.people.get(id)?.name ?? id;

  // The shell is styled by demo.css: no shadow root.
  protected override createRenderRoot() {
    return this;
  }

  private get t() {
    return strings[this.language];
  }

  private get locale() {
    return this.language === 'fr' ? 'fr-FR' : 'en-US';
  }

  private get conversation() {
    return this.conversations.find((c) => c.id === this.active) ?? this.conversations[0];
  }

  private titleOf(conversation: Conversation) {
    if (conversation.title) return conversation.title[this.language];
    return this.displayName(conversation.members.find((id) => id !== this.person.id) ?? '');
  }

  override connectedCallback() {
    super.connectedCallback();
    this.assistant ??= this.createAssistant();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.resizes.disconnect();
  }

  private createAssistant() {
    const assistant = createAssistant({
      userId: this.person.id,
      providers: [moneyProvider({ currency: 'EUR' }), ...examples],
      // The user's choices are kept by Settle, so they follow them to other devices.
      consent: serverConsent({ baseUrl: this.settleUrl, token: this.getToken }),
      locale: this.locale,
      // A demo conversation is short: let every message suggest (the default waits 4 messages).
      cadence: 1,
      ask: (provider) =>
        new Promise<boolean>((resolve) => {
          // Asked in the conversation, without taking the focus from what the user is doing.
          this.notice = this.t.consentTitle(this.providerName(provider));
          this.consentFor = {
            provider,
            answer: (yes) => {
              this.consentFor = undefined;
              resolve(yes);
            },
          };
        }),
      onError: (error, providerId) => console.warn('assistant', providerId, error),
    });
    // Settle may be unreachable as the page opens: the choices are then read on first use.
    void assistant.refresh().then(
      () => this.readChoices(),
      (error) => console.warn('assistant', error),
    );
    return assistant;
  }

  /** A new message in one of this person's conversations, as it arrives. */
  receive(message: Message) {
    const conversation = this.conversations.find((c) => c.id === message.conversationId);
    if (!conversation || message.text === undefined || !this.assistant) return;
    void this.assistant.observe(
      { id: message.id, text: message.text, authorId: message.authorId },
      { id: conversation.id, participants: conversation.members, locale: this.locale },
    );
  }

  /** An SMS to this person's number: a notification on top of the phone. */
  notify(sms: Sms) {
    this.notifications = [...this.notifications, sms];
    setTimeout(() => this.dismissNotification(sms), NOTIFICATION_MS);
  }

  private dismissNotification(sms: Sms) {
    this.notifications = this.notifications.filter((each) => each !== sms);
  }

  protected override willUpdate(changed: PropertyValues) {
    if (changed.has('conversations') && !this.active) this.active = this.conversations[0]?.id ?? '';
  }

  /**
   * Whether the conversation follows its newest message, as in Messenger: until the user
   * scrolls up, and again once they are back at the bottom.
   */
  private stick = true;
  private lastTop = 0;
  private newest?: string;
  private readonly observed = new WeakSet<Element>();
  // Bubbles grow as their payment loads or changes, and the consent question takes room from
  // the list: neither scrolls it, so follow the newest message here.
  private readonly resizes = new ResizeObserver(() => {
    if (this.stick) this.scrollDown();
  });

  private scrollDown() {
    const list = this.querySelector('.messages');
    if (!list) return;
    list.scrollTop = list.scrollHeight;
    this.lastTop = list.scrollTop;
  }

  private readonly onScroll = (event: Event) => {
    const list = event.currentTarget as HTMLElement;
    const gap = list.scrollHeight - list.scrollTop - list.clientHeight;
    // Content that grows leaves scrollTop as it was (and the scroll event may come after it
    // grew): only a smaller scrollTop is the user scrolling up.
    if (gap < 40) this.stick = true;
    else if (list.scrollTop < this.lastTop) this.stick = false;
    this.lastTop = list.scrollTop;
  };

  protected override updated(changed: PropertyValues) {
    if (changed.has('active') || changed.has('screen')) this.stick = true;
    const messages = this.conversation ? (this.messages[this.conversation.id] ?? []) : [];
    const newest = messages.at(-1);
    if (newest && newest.id !== this.newest) {
      // What the user sends themselves always shows.
      if (newest.authorId === this.person.id) this.stick = true;
      this.newest = newest.id;
    }
    if (this.stick) this.scrollDown();
    for (const item of this.querySelectorAll('.messages, .messages > li')) {
      if (this.observed.has(item)) continue;
      this.observed.add(item);
      this.resizes.observe(item);
    }
  }

  private go(screen: Screen) {
    this.screen = screen;
    if (screen === 'settings') this.readChoices();
    // Focus follows the screen change, for keyboard and screen-reader users.
    void this.updateComplete.then(() =>
      this.querySelector<HTMLElement>(
        screen === 'chat' ? '[role="tab"][tabindex="0"]' : '.screen h3',
      )?.focus(),
    );
  }

  private readonly openSetup = () => this.go('setup');

  override render() {
    const t = this.t;
    const me = this.person;
    return html`<settle-provider
      base-url=${this.settleUrl}
      .getToken=${this.getToken}
      .displayName=${this.displayName}
      .assistant=${this.assistant}
      theme=${this.dark ? 'dark' : 'light'}
      @settle-account=${(e: CustomEvent<{ account: Account }>) => {
        this.account = e.detail.account;
      }}
      @settle-enrollment-required=${this.openSetup}
    >
      <section class="phone" aria-labelledby="${me.id}-title">
        <header class="phone-bar">
          ${
            this.screen === 'chat'
              ? html`<span class="avatar" aria-hidden="true">${me.name[0]}</span>`
              : html`<button type="button" class="icon" aria-label=${t.back} @click=${() => this.go('chat')}>
                  ${backIcon}
                </button>`
          }
          <div class="who">
            <h2 id="${me.id}-title" aria-label=${t.phoneOf(me.name)}>${me.name}</h2>
            <span class="number">${t.phoneNumber(me.phoneNational)}</span>
          </div>
          <button type="button" class="icon" aria-label=${t.history} title=${t.history} aria-pressed=${this.screen === 'history'} @click=${() => this.go(this.screen === 'history' ? 'chat' : 'history')}>
            ${historyIcon}
          </button>
          <button type="button" class="icon" aria-label=${t.settings} title=${t.settings} aria-pressed=${this.screen === 'settings'} @click=${() => this.go(this.screen === 'settings' ? 'chat' : 'settings')}>
            ${settingsIcon}
          </button>
        </header>
        ${this.renderNotifications()}
        <div class="screen chat" ?hidden=${this.screen !== 'chat'}>
          ${this.renderSetupBanner()} ${this.renderTabs()}
          ${this.conversation ? this.renderConversation(this.conversation) : nothing}
        </div>
        ${this.screen === 'setup' ? this.renderSetup() : nothing}
        ${this.screen === 'history' ? this.renderHistory() : nothing}
        ${this.screen === 'settings' ? this.renderSettings() : nothing}
        <p class="visually-hidden" role="status">${this.notice}</p>
      </section>
    </settle-provider>`;
  }

  private renderNotifications() {
    return html`<div class="notifications" role="region" aria-label=${this.t.notifications(this.person.name)}>
      ${repeat(
        this.notifications,
        (sms) => sms.id,
        (sms) => html`<div class="toast" role="status">
          <p class="toast-app">${this.t.smsFrom}</p>
          <p class="toast-body">${sms.body}</p>
          <button type="button" class="icon" aria-label=${this.t.dismiss} @click=${() => this.dismissNotification(sms)}>
            ${closeIcon}
          </button>
        </div>`,
      )}
    </div>`;
  }

  private renderSetupBanner() {
    const account = this.account;
    if (account?.status === 'frozen') {
      return html`<div class="setup-banner"><p>${this.t.frozenHint}</p></div>`;
    }
    if (!account || account.nextStep === null) return nothing;
    return html`<div class="setup-banner">
      <p>${account.status === 'locked' ? this.t.lockedHint : this.t.setUpHint}</p>
      <button type="button" class="primary" @click=${this.openSetup}>
        ${account.status === 'locked' ? this.t.unlock : this.t.setUp}
      </button>
    </div>`;
  }

  private renderTabs() {
    const me = this.person.id;
    const current = this.conversation?.id;
    return html`<div class="tabs" role="tablist" aria-label=${this.t.conversations}>
      ${this.conversations.map(
        (c) => html`<button
          type="button"
          role="tab"
          id="${me}-tab-${c.id}"
          aria-controls="${me}-panel"
          aria-selected=${c.id === current ? 'true' : 'false'}
          tabindex=${c.id === current ? '0' : '-1'}
          @click=${() => {
            this.active = c.id;
          }}
          @keydown=${this.onTabKey}
        >
          ${this.titleOf(c)}
        </button>`,
      )}
    </div>`;
  }

  private onTabKey(event: KeyboardEvent) {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    const count = this.conversations.length;
    const index = this.conversations.findIndex((c) => c.id === this.conversation?.id);
    const next = this.conversations[(index + step + count) % count];
    if (!next) return;
    this.active = next.id;
    void this.updateComplete.then(() =>
      this.querySelector<HTMLElement>(`#${this.person.id}-tab-${next.id}`)?.focus(),
    );
  }

  private renderConversation(conversation: Conversation) {
    const t = this.t;
    const me = this.person.id;
    const others = conversation.members.filter((id) => id !== me);
    const group = others.length > 1;
    const messages = this.messages[conversation.id] ?? [];
    return html`<div class="conversation" role="tabpanel" id="${me}-panel" aria-labelledby="${me}-tab-${conversation.id}">
      <ol
        class="messages"
        tabindex="0"
        aria-label=${t.messagesIn(this.titleOf(conversation), group)}
        @scroll=${this.onScroll}
      >
        ${messages.length === 0 ? html`<li class="empty">${t.noMessages}</li>` : nothing}
        ${repeat(
          messages,
          (m) => m.id,
          (m) => html`<li class=${m.authorId === me ? 'mine' : 'theirs'} data-message=${m.id}>
            ${group && m.authorId !== me ? html`<span class="author">${this.displayName(m.authorId)}</span>` : nothing}
            ${m.text !== undefined ? html`<p class="text">${m.text}</p>` : this.renderPayment(m)}
          </li>`,
        )}
      </ol>
      ${this.renderConsent()}
      <settle-suggestions
        conversation-id=${conversation.id}
        @settle-suggestion=${(e: CustomEvent<{ suggestion: Suggestion }>) => this.accept(e.detail.suggestion)}
      ></settle-suggestions>
      <div class="pay-actions">
        ${others.map(
          (id) => html`<settle-send-money-button
            recipient-id=${id}
            conversation-id=${conversation.id}
            @settle-transfer=${(e: CustomEvent<{ transfer: Transfer }>) =>
              this.share(conversation, e.detail.transfer.id, [e.detail.transfer.recipientId])}
          >
            ${group ? html`<span slot="label">${t.pay(this.displayName(id))}</span>` : nothing}
          </settle-send-money-button>`,
        )}
        <settle-request-money
          payer-id=${group ? nothing : (others[0] ?? nothing)}
          .participants=${others}
          conversation-id=${conversation.id}
          @settle-request=${(e: CustomEvent<{ groupId: string; requests: MoneyRequest[] }>) => {
            const { groupId, requests } = e.detail;
            const [only] = requests;
            void this.share(
              conversation,
              requests.length === 1 && only ? only.id : groupId,
              requests.map((r) => r.payerId),
            );
          }}
        ></settle-request-money>
      </div>
      <form class="composer" @submit=${(e: SubmitEvent) => this.sendText(e, conversation)}>
        <label class="visually-hidden" for="${me}-compose">${t.message}</label>
        <input id="${me}-compose" name="text" autocomplete="off" maxlength="2000" placeholder=${t.message} />
        <button type="submit" class="primary">${t.send}</button>
      </form>
    </div>`;
  }

  private renderPayment(message: Message) {
    const p = message.payment;
    if (!p) return nothing;
    const { parties } = message;
    if (parties && !parties.includes(this.person.id)) {
      const others = parties.filter((id) => id !== message.authorId).map(this.displayName);
      const note = 'transferId' in p ? this.t.sentTo : this.t.askedOf;
      return html`<p class="note">${note(this.displayName(message.authorId), others)}</p>`;
    }
    if ('transferId' in p) {
      return html`<settle-payment-bubble transfer-id=${p.transferId}></settle-payment-bubble>`;
    }
    if ('requestId' in p) {
      return html`<settle-payment-bubble request-id=${p.requestId}></settle-payment-bubble>`;
    }
    return html`<settle-payment-bubble group-id=${p.groupId}></settle-payment-bubble>`;
  }

  /** The user took a chip: open the payment it offers, or act on an example's suggestion. */
  private accept(suggestion: Suggestion) {
    if (isMoneySuggestion(suggestion) && suggestion.data) {
      const { action, amount, counterpart } = suggestion.data;
      const options = amount ? { amount: amount.value } : {};
      const send =
        this.querySelector<OpensDialog>(
          `settle-send-money-button[recipient-id="${counterpart}"]`,
        ) ?? this.querySelector<OpensDialog>('settle-send-money-button');
      const target =
        action === 'send' ? send : this.querySelector<OpensDialog>('settle-request-money');
      void target?.open(options);
      return;
    }
    const data = (suggestion.data ?? {}) as { when?: string; place?: string };
    this.notice =
      suggestion.kind === 'reminder'
        ? this.t.reminderSet(data.when ?? '')
        : suggestion.kind === 'ride'
          ? this.t.rideBooked(data.place ?? '')
          : this.t.weatherShown;
  }

  /** A provider's name in the page's language (the providers name themselves in English). */
  private providerName(provider: AssistantProvider) {
    return this.t.providerName[provider.id] ?? provider.name ?? provider.id;
  }

  /** Gradual consent: the assistant asks before a remote provider reads a first message. */
  private renderConsent() {
    const ask = this.consentFor;
    if (!ask) return nothing;
    const t = this.t;
    const me = this.person.id;
    return html`<div class="consent" role="group" aria-labelledby="${me}-consent-title" aria-describedby="${me}-consent-text">
      <h3 id="${me}-consent-title">${t.consentTitle(this.providerName(ask.provider))}</h3>
      <p id="${me}-consent-text">${t.providerWhat[ask.provider.id] ?? ask.provider.description ?? ''}</p>
      <button type="button" class="primary" @click=${() => ask.answer(true)}>${t.allow}</button>
      <button type="button" @click=${() => ask.answer(false)}>${t.deny}</button>
    </div>`;
  }

  private renderSetup() {
    return html`<div class="screen">
      <h3 tabindex="-1">
        ${this.account?.status === 'locked' ? this.t.unlockTitle : this.t.setUpTitle}
      </h3>
      <settle-enrollment
        country="FR"
        @settle-enrolled=${() => setTimeout(() => this.screen === 'setup' && this.go('chat'), 1500)}
      ></settle-enrollment>
    </div>`;
  }

  private renderHistory() {
    return html`<div class="screen">
      <h3 tabindex="-1">${this.t.history}</h3>
      <settle-history
        @settle-select=${(e: CustomEvent<{ transfer: Transfer }>) => this.showPayment(e.detail.transfer)}
      ></settle-history>
    </div>`;
  }

  /** A payment picked in the history: back to its bubble in the chat, with the focus on it. */
  private async showPayment(transfer: Transfer) {
    const provider = this.querySelector<ProviderElement>('settle-provider');
    // A request paid, alone or as a share of a split, shows as the request's or group's bubble.
    const request = transfer.requestId
      ? await provider?.settle?.requests.get(transfer.requestId).catch(() => undefined)
      : undefined;
    const ids = [transfer.id, request?.id, request?.groupId].filter(Boolean);
    const mine = new Set(this.conversations.map((c) => c.id));
    const message = Object.values(this.messages)
      .flat()
      .find(
        (m) =>
          mine.has(m.conversationId) &&
          m.payment &&
          Object.values(m.payment).some((id) => ids.includes(id)),
      );
    if (!message) {
      this.notice = this.t.notInChat;
      return;
    }
    this.active = message.conversationId;
    this.screen = 'chat';
    await this.updateComplete;
    const item = this.querySelector<HTMLElement>(`[data-message="${message.id}"]`);
    if (!item) return;
    item.tabIndex = -1;
    item.scrollIntoView({ block: 'nearest' });
    item.focus();
  }

  private renderSettings() {
    const t = this.t;
    const providers = [
      { id: 'money', name: t.moneyProvider },
      ...examples.map((p) => ({ id: p.id, name: this.providerName(p) })),
    ];
    return html`<div class="screen">
      <h3 tabindex="-1">${t.settings}</h3>
      <label class="switch">
        <input type="checkbox" role="switch" .checked=${this.assistantEnabled} @change=${(
          e: Event,
        ) => {
          this.assistantEnabled = (e.target as HTMLInputElement).checked;
          void this.assistant?.setEnabled(this.assistantEnabled);
        }} />
        ${t.assistantOn}
      </label>
      <fieldset ?disabled=${!this.assistantEnabled}>
        <legend>${t.providers}</legend>
        ${providers.map(
          (p) => html`<label class="switch">
            <input type="checkbox" role="switch" .checked=${this.providerOn(p.id)} @change=${(
              e: Event,
            ) => {
              const on = (e.target as HTMLInputElement).checked;
              this.choices = { ...this.choices, [p.id]: on ? 'on' : 'off' };
              void this.assistant?.setProviderEnabled(p.id, on);
            }} />
            ${p.name}
          </label>`,
        )}
      </fieldset>
      <h4>${t.secure}</h4>
      <p class="hint">${t.secureHint}</p>
      <button type="button" class="danger" @click=${this.secure}>${t.secure}</button>
    </div>`;
  }

  /** Local providers run unless turned off; remote ones only once the user said yes. */
  private providerOn(id: string) {
    const remote = examples.find((p) => p.id === id)?.remote;
    return remote ? this.choices[id] === 'on' : this.choices[id] !== 'off';
  }

  private readChoices() {
    const preferences = this.assistant?.preferences();
    if (!preferences) return;
    this.assistantEnabled = preferences.enabled;
    this.choices = { ...preferences.providers };
  }

  private readonly secure = async () => {
    const provider = this.querySelector<ProviderElement>('settle-provider');
    if (!provider?.settle) return;
    // The provider learns of the lock from its event stream, which the lock restarts; until
    // then its elements still see the account active, and an Unlock taken at once showed
    // "Payments are set up" and went back to the chat. Offer Unlock once the provider knows.
    const known = new Promise<void>((resolve) => {
      const done = () => {
        provider.removeEventListener('settle-account', onAccount);
        clearTimeout(timer);
        resolve();
      };
      const onAccount = (event: Event) => {
        const { account } = (event as CustomEvent<{ account: Account }>).detail;
        if (account.status !== 'active') done();
      };
      const timer = setTimeout(done, 10_000);
      provider.addEventListener('settle-account', onAccount);
    });
    const account = await provider.settle.account.secure();
    await known;
    this.account = account;
    this.notice = this.t.secured;
    this.go('chat');
  };

  /** Shares a payment or request in the conversation, saying whom it is between. */
  private async share(conversation: Conversation, paymentId: string, others: string[]) {
    const parties = [this.person.id, ...others.filter((id) => id !== this.person.id)];
    await chatApi.post(conversation.id, { authorId: this.person.id, paymentId, parties });
  }

  private async sendText(event: SubmitEvent, conversation: Conversation) {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem(
      'text',
    ) as HTMLInputElement;
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    await chatApi.post(conversation.id, { authorId: this.person.id, text });
  }
}

customElements.define('demo-phone', DemoPhone);

declare global {
  interface HTMLElementTagNameMap {
    'demo-phone': DemoPhone;
  }
}
