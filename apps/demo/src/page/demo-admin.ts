import { html, LitElement, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { Person } from './chat-client.js';
import { type Language, strings } from './i18n.js';

interface Flag {
  id: string;
  userId: string;
  transferId: string | null;
  rule: string;
  createdAt: string;
}

/** How often the open desk looks for new flags. */
const POLL_MS = 1500;

/**
 * The platform's admin desk, as the chat app's staff would see it: transfers held by
 * Settle's anti-fraud rules, to approve or reject, and accounts to freeze. The page asks the
 * demo's server, which calls Settle's admin API with the platform's secret key.
 */
export class DemoAdmin extends LitElement {
  @property({ attribute: false }) people: Person[] = [];
  @property({ attribute: false }) language: Language = 'en';

  @state() private flags: Flag[] = [];
  @state() private frozen = new Set<string>();
  @state() private error = '';
  @state() private open = false;
  private timer?: ReturnType<typeof setInterval>;

  protected override createRenderRoot() {
    return this;
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.timer);
  }

  private get t() {
    return strings[this.language];
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown) {
    const res = await fetch(path, {
      method,
      headers: { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(json?.error?.message ?? `${res.status}`);
    this.error = '';
    return json;
  }

  private async loadFlags() {
    try {
      this.flags = (await this.call('GET', '/api/admin/flags')).data;
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  /** Who is frozen, as Settle says: another tab or an earlier visit may have frozen them. */
  private async loadFrozen() {
    const accounts = await Promise.all(
      this.people.map((person) =>
        fetch(`/api/admin/accounts/${person.id}`).then((res) => (res.ok ? res.json() : null)),
      ),
    );
    this.frozen = new Set(
      accounts.flatMap((account, i) =>
        account?.status === 'frozen' ? [(this.people[i] as Person).id] : [],
      ),
    );
  }

  private toggle(event: Event) {
    this.open = (event.currentTarget as HTMLDetailsElement).open;
    clearInterval(this.timer);
    if (this.open) {
      void this.loadFrozen().catch((error: Error) => {
        this.error = error.message;
      });
      void this.loadFlags();
      this.timer = setInterval(() => void this.loadFlags(), POLL_MS);
    }
  }

  /** The open panel lies over the phones, like a menu: Escape puts it away, back to its button. */
  private closeOnEscape(event: KeyboardEvent) {
    const details = event.currentTarget as HTMLDetailsElement;
    if (event.key !== 'Escape' || !details.open) return;
    details.open = false;
    details.querySelector('summary')?.focus();
  }

  private async resolve(flag: Flag, decision: 'approve' | 'reject') {
    try {
      await this.call('POST', `/api/admin/flags/${flag.id}/resolve`, { decision });
      this.flags = this.flags.filter((f) => f !== flag);
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  private async freeze(person: Person, frozen: boolean) {
    try {
      await this.call('POST', `/api/admin/accounts/${person.id}/${frozen ? 'freeze' : 'unfreeze'}`);
      const next = new Set(this.frozen);
      if (frozen) next.add(person.id);
      else next.delete(person.id);
      this.frozen = next;
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  private name(userId: string) {
    return this.people.find((p) => p.id === userId)?.name ?? userId;
  }

  override render() {
    const t = this.t;
    return html`<details class="admin" @toggle=${this.toggle} @keydown=${this.closeOnEscape}>
      <summary>${t.adminDesk}</summary>
      <div class="admin-panel" role="region" aria-label=${t.adminDesk}>
        <h2>${t.heldForReview}</h2>
        ${
          this.flags.length === 0
            ? html`<p class="hint">${t.noFlags}</p>`
            : html`<ul class="flags" aria-label=${t.heldForReview}>
                ${this.flags.map(
                  (flag) => html`<li>
                    <span>${t.flag(this.name(flag.userId), flag.rule)}</span>
                    <button type="button" class="primary" @click=${() => this.resolve(flag, 'approve')}>
                      ${t.approve}
                    </button>
                    <button type="button" @click=${() => this.resolve(flag, 'reject')}>${t.reject}</button>
                  </li>`,
                )}
              </ul>`
        }
        <h2>${t.accounts}</h2>
        ${this.people.map(
          (person) => html`<label class="switch">
            <input
              type="checkbox"
              role="switch"
              .checked=${this.frozen.has(person.id)}
              @change=${(e: Event) => this.freeze(person, (e.target as HTMLInputElement).checked)}
            />
            ${t.freeze(person.name)}
          </label>`,
        )}
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      </div>
    </details>`;
  }
}

customElements.define('demo-admin', DemoAdmin);
