import { msg, str } from '@lit/localize';
import type { Page, SettleEvent, Transfer } from '@settle/sdk';
import { css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { isNewer } from '../payment-bubble/freshness.js';
import { errorText } from '../shared/error-text.js';
import { SettleElement } from '../shared/settle-element.js';
import { controlStyles, themeStyles } from '../shared/styles.js';

/**
 * @summary The user's payments, newest first, a page at a time: all of them or one
 * conversation's. New payments and state changes appear live.
 *
 * @fires settle-select - A payment was picked: `detail.transfer`.
 * @csspart list - The list.
 * @csspart item - One payment.
 * @csspart amount - A payment's amount.
 * @csspart more - The "Show more" button.
 * @csspart empty - The message when there is nothing yet.
 * @csspart error - The error message.
 */
export class SettleHistory extends SettleElement {
  static override styles = [
    themeStyles,
    controlStyles,
    css`
      :host {
        display: block;
        padding: 0.25rem 0.75rem;
        border-radius: var(--_radius);
        background: var(--_surface);
      }
      ul {
        margin: 0;
        padding: 0;
        list-style: none;
      }
      li {
        border-bottom: 1px solid var(--_border);
      }
      .item {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: 0.1rem 1rem;
        width: 100%;
        padding: 0.6rem 0.25rem;
        border: 0;
        background: transparent;
        color: inherit;
        font: inherit;
        text-align: start;
        cursor: pointer;
      }
      .who {
        font-weight: 600;
      }
      /* An amount never wraps, which would leave its sign alone on a line. */
      .amount {
        font-weight: 700;
        font-variant-numeric: tabular-nums;
        text-align: end;
        white-space: nowrap;
      }
      /* Under both, so a wide amount (large text on a phone) leaves it the whole width. */
      .meta {
        grid-column: 1 / -1;
        color: var(--_muted);
        font-size: 0.875rem;
      }
      .received .amount {
        color: var(--_success);
      }
      .failed .amount {
        text-decoration: line-through;
      }
    `,
  ];

  /** Only this conversation's payments; all the user's by default. */
  @property({ attribute: 'conversation-id' }) conversationId?: string;

  /** Payments per page, 1 to 100. */
  @property({ type: Number, attribute: 'page-size' }) pageSize = 20;

  @state() private items: Transfer[] = [];
  @state() private status: 'loading' | 'ready' | 'error' | 'more' = 'loading';
  @state() private error: unknown;

  private page?: Page<Transfer>;
  private seenClient?: unknown;
  private hadAccount = false;
  private seenOpens = 0;
  private stopEvents?: () => void;

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.stopEvents?.();
    this.stopEvents = undefined;
    this.seenClient = undefined;
  }

  override willUpdate(changed: PropertyValues<this>) {
    const client = this.session?.client;
    // Off the page nothing loads or listens: a stream opened then would never be closed.
    if (!client || !this.isConnected) return;
    const arrived = Boolean(this.session?.account) && !this.hadAccount;
    this.hadAccount = Boolean(this.session?.account);
    const reopened = this.session?.streamOpens !== this.seenOpens;
    this.seenOpens = this.session?.streamOpens ?? 0;
    if (client !== this.seenClient || changed.has('conversationId') || changed.has('pageSize')) {
      this.seenClient = client;
      this.stopEvents?.();
      this.stopEvents = this.session?.onEvent((event) => this.onEvent(event));
      void this.reload();
      return;
    }
    // Settle is reachable again (the provider could read the account, or the event stream
    // got through): load what failed.
    if (this.status === 'error' && (arrived || reopened)) void this.reload();
  }

  /** Loads the first page again. */
  async reload() {
    const client = this.session?.client;
    if (!client) return;
    this.status = 'loading';
    try {
      this.page = await client.transfers.list({
        limit: this.pageSize,
        ...(this.conversationId ? { conversationId: this.conversationId } : {}),
      });
      this.items = this.page.data;
      this.status = 'ready';
    } catch (error) {
      this.error = error;
      this.status = 'error';
    }
  }

  private async more() {
    if (!this.page || this.status !== 'ready') return;
    const first = this.items.length;
    this.status = 'more';
    try {
      const next = await this.page.nextPage();
      if (next) {
        this.page = next;
        const known = new Set(this.items.map((t) => t.id));
        this.items = [...this.items, ...next.data.filter((t) => !known.has(t.id))];
      }
      this.status = 'ready';
      const shown = this.items.length - first;
      this.announce(
        shown === 1 ? msg('1 more payment shown.') : msg(str`${shown} more payments shown.`),
      );
      await this.updateComplete;
      // The focus goes to the first payment just shown.
      this.renderRoot.querySelectorAll<HTMLElement>('.item')[first]?.focus();
    } catch (error) {
      this.error = error;
      this.status = 'error';
    }
  }

  private onEvent(event: SettleEvent) {
    if (event.type !== 'transfer.updated') return;
    const next = event.data;
    const index = this.items.findIndex((t) => t.id === next.id);
    if (index >= 0) {
      if (!isNewer(next, this.items[index])) return;
      const items = [...this.items];
      items[index] = next;
      this.items = items;
      return;
    }
    if (this.conversationId && next.conversationId !== this.conversationId) return;
    // A payment not shown but within the pages loaded is new, or committed behind a page
    // already read: it goes in its place. Older ones come with "more".
    const oldest = this.items[this.items.length - 1];
    if (
      this.status === 'ready' &&
      (!oldest || !this.page?.hasMore || next.createdAt >= oldest.createdAt)
    ) {
      const at = this.items.findIndex((t) => t.createdAt < next.createdAt);
      const items = [...this.items];
      items.splice(at < 0 ? items.length : at, 0, next);
      this.items = items;
    }
  }

  override render() {
    return html`${this.renderBody()}${this.liveRegion()}`;
  }

  private renderBody() {
    const me = this.session?.account?.userId;
    const accountError = this.session?.accountError;
    if (!me && accountError && this.status !== 'loading') {
      // Without the account nothing can be shown: say why, and read both again on request.
      return html`<p class="error" part="error" role="alert">${errorText(accountError)}</p>
        <div class="actions">
          <button type="button" class="button" @click=${() => this.session?.reloadAccount()}>
            ${msg('Try again')}
          </button>
        </div>`;
    }
    if (this.status === 'loading' || !me) {
      return html`<p aria-busy="true">
        <span class="spinner" aria-hidden="true"></span> ${msg('Loading payments…')}
      </p>`;
    }
    if (this.items.length === 0 && this.status !== 'error') {
      return html`<p part="empty">${msg('No payments yet.')}</p>`;
    }
    return html`${
      this.items.length
        ? html`<ul part="list" aria-label=${msg('Payments')}>
            ${this.items.map((t) => this.renderItem(t, me))}
          </ul>`
        : nothing
    }
      ${
        this.status === 'error'
          ? html`<p class="error" part="error" role="alert">${errorText(this.error)}</p>
            <div class="actions">
              <button
                type="button"
                class="button"
                @click=${() => (this.items.length ? this.retryMore() : this.reload())}
              >
                ${msg('Try again')}
              </button>
            </div>`
          : this.page?.hasMore
            ? html`<div class="actions">
              <button
                type="button"
                class="button"
                part="more"
                ?disabled=${this.status === 'more'}
                @click=${this.more}
              >
                ${
                  this.status === 'more'
                    ? html`<span class="spinner" aria-hidden="true"></span>`
                    : nothing
                }
                ${msg('Show more')}
              </button>
            </div>`
            : nothing
      }`;
  }

  private retryMore() {
    this.status = 'ready';
    return this.more();
  }

  private statusText(t: Transfer) {
    switch (t.status) {
      case 'pending':
        return msg('Pending');
      case 'awaiting_recipient':
        return msg('Waiting for the recipient');
      case 'failed':
        return msg('Failed');
      case 'canceled':
        return msg('Canceled');
      default:
        return '';
    }
  }

  private renderItem(t: Transfer, me: string) {
    const sent = t.senderId === me;
    const amount = this.money(t.amount);
    const when = this.date(t.createdAt, { dateStyle: 'medium', timeStyle: 'short' });
    const state = this.statusText(t);
    const classes = [sent ? 'sent' : 'received', t.status === 'failed' ? 'failed' : ''].join(' ');
    // The note in a <bdi>: a right-to-left override in it cannot reorder the state after it.
    return html`<li part="item" class=${classes}>
      <button
        type="button"
        class="item"
        @click=${() => this.emit('settle-select', { transfer: t })}
      >
        <span class="who"
          >${sent ? msg(str`To ${this.name(t.recipientId)}`) : msg(str`From ${this.name(t.senderId)}`)}</span
        >
        <span class="amount" part="amount">${sent ? `−${amount}` : `+${amount}`}</span>
        <span class="meta"
          >${when}${t.note ? html` · <bdi>${t.note}</bdi>` : ''}${state ? ` · ${state}` : ''}</span
        >
      </button>
    </li>`;
  }
}
