import { html, LitElement } from 'lit';
import { state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { type Conversation, chatApi, type Message, type Person, type Sms } from './chat-client.js';
import type { DemoPhone } from './demo-phone.js';
import './demo-admin.js';
import './demo-phone.js';
import { type Language, strings } from './i18n.js';

const stored = (key: string) => {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
};
const store = (key: string, value: string) => {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Private browsing: the choice lasts for this page only.
  }
};

/** The demo's one screen: a phone per person, side by side, and the page's settings. */
export class DemoApp extends LitElement {
  @state() private people: Person[] = [];
  @state() private conversations: Conversation[] = [];
  @state() private messages: Record<string, Message[]> = {};
  @state() private language: Language =
    (stored('demo-lang') as Language | null) ??
    (navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en');
  @state() private dark =
    stored('demo-dark') !== null
      ? stored('demo-dark') === 'true'
      : matchMedia('(prefers-color-scheme: dark)').matches;
  @state() private error = '';

  private readonly settleUrl =
    document.querySelector<HTMLMetaElement>('meta[name="settle-url"]')?.content ?? '';
  private stopFollowing?: () => void;

  protected override createRenderRoot() {
    return this;
  }

  override connectedCallback() {
    super.connectedCallback();
    this.applyPreferences();
    void this.start();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.stopFollowing?.();
  }

  private async start() {
    try {
      const cast = await chatApi.cast();
      this.people = cast.people;
      this.conversations = cast.conversations;
    } catch (error) {
      this.error = String(error);
      return;
    }
    this.stopFollowing = chatApi.follow({
      // On each (re)connection, catch up with what was said meanwhile.
      ready: () => void this.loadMessages(),
      message: (message) => this.receive(message),
      sms: (sms) => this.notify(sms),
    });
  }

  private async loadMessages() {
    const lists = await Promise.all(this.conversations.map((c) => chatApi.messages(c.id)));
    this.messages = Object.fromEntries(this.conversations.map((c, i) => [c.id, lists[i] ?? []]));
  }

  private receive(message: Message) {
    const list = this.messages[message.conversationId] ?? [];
    if (list.some((m) => m.id === message.id)) return;
    this.messages = { ...this.messages, [message.conversationId]: [...list, message] };
    for (const phone of this.querySelectorAll<DemoPhone>('demo-phone')) phone.receive(message);
  }

  private notify(sms: Sms) {
    const owner = this.people.find((p) => p.phone === sms.phone);
    for (const phone of this.querySelectorAll<DemoPhone>('demo-phone')) {
      // A number nobody of the demo has: every phone shows it, so the code is not lost.
      if (!owner || phone.person.id === owner.id) phone.notify(sms);
    }
  }

  private applyPreferences() {
    document.documentElement.lang = this.language === 'fr' ? 'fr-FR' : 'en';
    document.documentElement.dataset.theme = this.dark ? 'dark' : 'light';
    document.title = strings[this.language].title;
  }

  protected override willUpdate() {
    this.applyPreferences();
  }

  override render() {
    const t = strings[this.language];
    const byId = new Map(this.people.map((p) => [p.id, p]));
    return html`<header class="topbar">
        <div>
          <h1>${t.title}</h1>
          <p class="tagline">${t.tagline}</p>
        </div>
        <div class="page-controls">
          <label>
            ${t.language}
            <select
              @change=${(e: Event) => {
                this.language = (e.target as HTMLSelectElement).value as Language;
                store('demo-lang', this.language);
              }}
            >
              <option value="en" ?selected=${this.language === 'en'}>English</option>
              <option value="fr" ?selected=${this.language === 'fr'}>Français</option>
            </select>
          </label>
          <label class="switch">
            <input
              type="checkbox"
              role="switch"
              .checked=${this.dark}
              @change=${(e: Event) => {
                this.dark = (e.target as HTMLInputElement).checked;
                store('demo-dark', String(this.dark));
              }}
            />
            ${t.theme}
          </label>
          <demo-admin .people=${this.people} .language=${this.language}></demo-admin>
        </div>
      </header>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <main class="phones">
        ${repeat(
          this.people,
          (p) => p.id,
          (p) => html`<demo-phone
            .person=${p}
            .people=${byId}
            .conversations=${this.conversations.filter((c) => c.members.includes(p.id))}
            .messages=${this.messages}
            .settleUrl=${this.settleUrl}
            .language=${this.language}
            ?dark=${this.dark}
          ></demo-phone>`,
        )}
      </main>`;
  }
}

customElements.define('demo-app', DemoApp);
