import { msg, str } from '@lit/localize';
import {
  AuthenticationError,
  type MoneyRequest,
  NotFoundError,
  type SettleEvent,
  type Transfer,
} from '@settle/sdk';
import { css, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { AuthorizedDetail, SettlePinPrompt } from '../pin-prompt/pin-prompt.component.js';
import '../pin-prompt/define.js';
import { showDialog } from '../shared/dialog.js';
import { errorText, failureText } from '../shared/error-text.js';
import { SettleElement } from '../shared/settle-element.js';
import { controlStyles, dialogStyles, themeStyles } from '../shared/styles.js';
import { FINAL, isNewer } from './freshness.js';

type Load = 'idle' | 'loading' | 'ready' | 'error';
/** What the bubble reads of an event: its type and object. */
type Update<E = SettleEvent> = E extends SettleEvent ? Pick<E, 'type' | 'data'> : never;
const MISSING = Symbol('missing');

/**
 * @summary A payment or a money request in the conversation, kept live from the event stream:
 * amount, note, people, state, and Pay / Decline / Cancel where the user may.
 *
 * Give it `transfer-id`, `request-id` or `group-id` (a request made to several people: the
 * bubble shows who has paid), or set `transfer` / `request` to an object you already have.
 *
 * @fires settle-transfer - The user paid a request: `detail.transfer`.
 * @fires settle-change - What the bubble shows changed: `detail.transfer` or `detail.requests`.
 * @csspart bubble - The bubble.
 * @csspart amount - The amount.
 * @csspart note - The note.
 * @csspart people - Who pays whom.
 * @csspart status - The state, and when the money is available.
 * @csspart payers - The list of payers of a group request.
 * @csspart actions - The action buttons.
 * @csspart pay - The Pay button.
 * @csspart decline - The Decline button.
 * @csspart cancel - The Cancel button.
 * @csspart error - The error message.
 * @cssproperty --settle-bubble-max-width - Widest the bubble gets (default 20rem).
 */
export class SettlePaymentBubble extends SettleElement {
  static override styles = [
    themeStyles,
    controlStyles,
    dialogStyles,
    css`
      :host {
        display: block;
        max-width: var(--settle-bubble-max-width, 20rem);
      }
      .bubble {
        padding: 0.85rem 1rem;
        border: 1px solid var(--_border);
        border-radius: calc(var(--_radius) * 1.4);
        background: var(--_surface-raised);
      }
      .title {
        margin: 0;
        color: var(--_muted);
        font-size: 0.875rem;
        font-weight: 600;
      }
      .amount {
        display: block;
        margin: 0.15rem 0;
        font-size: 1.75rem;
        font-weight: 700;
        font-variant-numeric: tabular-nums;
      }
      .note {
        margin: 0 0 0.25rem;
        overflow-wrap: anywhere;
      }
      .people,
      .detail {
        margin: 0;
        color: var(--_muted);
      }
      .status {
        display: inline-block;
        margin: 0.5rem 0 0;
        font-weight: 700;
      }
      .status:focus {
        outline: none;
      }
      .status.good {
        color: var(--_success);
      }
      .status.bad {
        color: var(--_danger);
      }
      /* One grid for all rows: the statuses line up even when a name and amount wrap. The
         names' column keeps its longest word, or with large text on a phone the statuses
         would take the whole width and be drawn over the names. */
      .payers {
        display: grid;
        grid-template-columns: minmax(min-content, 1fr) auto;
        column-gap: 0.75rem;
        margin: 0.5rem 0 0;
        padding: 0;
        list-style: none;
      }
      .payers li {
        display: grid;
        grid-column: 1 / -1;
        grid-template-columns: subgrid;
        padding: 0.25rem 0;
        border-top: 1px solid var(--_border);
      }
      /* A paid share is coloured as a status, not set apart below its row like the bubble's. */
      .payers .status {
        margin: 0;
      }
      .actions {
        justify-content: flex-start;
        margin-top: 0.75rem;
      }
    `,
  ];

  /** A transfer to show (`tr_…`). */
  @property({ attribute: 'transfer-id' }) transferId?: string;

  /** A request to show (`rq_…`). */
  @property({ attribute: 'request-id' }) requestId?: string;

  /** A request made to several people at once (`rg_…`): shows each payer. */
  @property({ attribute: 'group-id' }) groupId?: string;

  /** The transfer itself, when you have it (from an event or `settle-transfer`). */
  @property({ attribute: false }) transfer?: Transfer;

  /** The request itself, when you have it. */
  @property({ attribute: false }) request?: MoneyRequest;

  @state() private requests: MoneyRequest[] = [];
  @state() private load: Load = 'idle';
  @state() private loadError: unknown;
  @state() private busy = false;
  @state() private error = '';
  /** The request waiting for the PIN. */
  @state() private paying?: MoneyRequest;

  @query('dialog') private dialog!: HTMLDialogElement;
  @query('.status') private statusLine?: HTMLElement;
  @query('settle-pin-prompt') private pinPrompt?: SettlePinPrompt;

  private stopEvents?: () => void;
  private payKey?: string;
  private seenClient?: unknown;
  private hadAccount = false;
  private seenOpens = 0;
  /** The copy given as `transfer` or `request` whose state was read again from the server. */
  private checked?: string;

  private get me() {
    return this.session?.account?.userId;
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.stopEvents?.();
    this.stopEvents = undefined;
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('request') && this.request) this.requests = [this.request];
    const target =
      changed.has('transferId') ||
      changed.has('requestId') ||
      changed.has('groupId') ||
      changed.has('transfer') ||
      changed.has('request');
    // Another client (user or server) means everything is read again.
    const sessionChanged = this.session?.client !== this.seenClient;
    this.seenClient = this.session?.client;
    // Settle is reachable again (the provider could read the account): load what failed.
    const arrived = Boolean(this.session?.account) && !this.hadAccount;
    this.hadAccount = Boolean(this.session?.account);
    if (!this.session) return;
    // Or the event stream got through again, as after a restart of Settle.
    const reopened = this.session.streamOpens !== this.seenOpens;
    this.seenOpens = this.session.streamOpens;
    const retry = (arrived || reopened) && this.load === 'error' && this.loadError !== MISSING;
    if (target || sessionChanged || retry || this.load === 'idle') void this.fetch();
    // Only on the page: a bubble taken off may still update (a late load, a recycled node),
    // and a stream it opened then would never be closed.
    if (this.isConnected && (!this.stopEvents || sessionChanged)) {
      this.stopEvents?.();
      this.stopEvents = this.session.onEvent((event) => this.onEvent(event));
    }
  }

  /** Loads what the bubble shows from the server again. */
  async fetch() {
    const client = this.session?.client;
    if (!client) return;
    const { transferId, requestId, groupId } = this;
    const known = this.transfer ?? this.request;
    this.load = known ? 'ready' : 'loading';
    try {
      if (transferId && this.transfer?.id !== transferId) {
        this.transfer = await client.transfers.get(transferId);
      } else if (requestId && this.request?.id !== requestId) {
        this.requests = [await client.requests.get(requestId)];
      } else if (groupId) {
        const page = await client.requests.list({ groupId, limit: 100 });
        this.requests = [...page.data].sort((a, b) => a.payerId.localeCompare(b.payerId));
      } else if (known && !FINAL.has(known.status) && this.checked !== known.id) {
        // A copy given in passing (an event replayed before the bubble listened, one kept with
        // the message) may be older than the changes the stream has already delivered: read
        // it once, and show it as any update.
        this.checked = known.id;
        this.onEvent(
          this.transfer
            ? { type: 'transfer.updated', data: await client.transfers.get(known.id) }
            : { type: 'request.updated', data: await client.requests.get(known.id) },
        );
      }
      // An empty group is as good as missing.
      this.load = this.transfer || this.requests.length > 0 ? 'ready' : 'error';
      this.loadError = this.load === 'error' ? MISSING : undefined;
    } catch (error) {
      this.load = 'error';
      this.loadError = error;
    }
  }

  private onEvent(event: Update) {
    if (event.type === 'transfer.updated') {
      const next = event.data;
      const shown = this.transfer;
      if (shown?.id === next.id && isNewer(next, shown)) {
        this.transfer = next;
        if (next.status !== shown.status) this.announce(this.transferStatus(next));
        this.emit('settle-change', { transfer: next });
      }
    } else if (event.type === 'request.updated') {
      const next = event.data;
      const mine =
        next.id === this.requestId ||
        next.id === this.request?.id ||
        (this.groupId && next.groupId === this.groupId);
      if (!mine) return;
      const index = this.requests.findIndex((r) => r.id === next.id);
      const shown = this.requests[index];
      if (shown && !isNewer(next, shown)) return;
      const requests = [...this.requests];
      if (index === -1) requests.push(next);
      else requests[index] = next;
      this.requests = requests;
      if (next.id === this.request?.id) this.request = next;
      if (shown && shown.status !== next.status) {
        // In a group, say whose share it is: "Paid" alone would not tell.
        const said = this.requestStatus(next);
        this.announce(this.groupId ? msg(str`${this.name(next.payerId)}: ${said}`) : said);
      }
      this.emit('settle-change', { requests });
    }
  }

  override render() {
    return html`${this.renderBody()}
      <dialog part="dialog" aria-labelledby="pin-title" @close=${() => this.pinPrompt?.reset()}>
        <h2 id="pin-title">${msg('Confirm with your PIN')}</h2>
        ${
          this.paying
            ? html`<settle-pin-prompt
              amount=${this.paying.amount.value}
              currency=${this.paying.amount.currency}
              payee-id=${this.paying.requesterId}
              @settle-authorized=${(e: CustomEvent<AuthorizedDetail>) =>
                this.pay(this.paying as MoneyRequest, e.detail.authorization)}
              @settle-cancel=${() => this.dialog.close()}
              @settle-locked=${() => this.dialog.close()}
            ></settle-pin-prompt>`
            : nothing
        }
      </dialog>
      ${this.liveRegion()}`;
  }

  private renderBody() {
    if (!this.session || !this.me || this.load === 'loading' || this.load === 'idle') {
      const failed = this.session?.accountError;
      if (failed) return this.renderError(failed, () => this.session?.reloadAccount());
      return html`<div class="bubble" part="bubble" aria-busy="true">
        <span class="spinner" aria-hidden="true"></span> ${msg('Loading payment…')}
      </div>`;
    }
    if (this.load === 'error') return this.renderError(this.loadError, () => this.fetch());
    return this.transfer ? this.renderTransfer(this.transfer) : this.renderRequests();
  }

  private renderError(error: unknown, retry: () => unknown) {
    const missing = error === MISSING || error instanceof NotFoundError;
    const text = missing ? msg('This payment could not be found.') : errorText(error);
    return html`<div class="bubble" part="bubble">
      <p class="error" part="error">${text}</p>
      ${
        missing
          ? nothing
          : html`<div class="actions">
            <button type="button" class="button" @click=${retry}>${msg('Try again')}</button>
          </div>`
      }
    </div>`;
  }

  private transferStatus(t: Transfer): string {
    const sent = t.senderId === this.me;
    switch (t.status) {
      case 'pending':
        return msg('Pending');
      case 'awaiting_recipient':
        return sent
          ? msg(str`Waiting for ${this.name(t.recipientId)} to set up payments`)
          : msg('Set up payments to receive it');
      case 'completed':
        return msg('Completed');
      case 'failed':
        // Why is the sender's business (their card, their limits), not the recipient's.
        return sent ? msg(str`Failed: ${failureText(t.failureReason)}`) : msg('Did not go through');
      case 'canceled':
        return sent ? msg('Canceled: you were refunded') : msg('Canceled');
      default:
        return t.status;
    }
  }

  private transferDetail(t: Transfer) {
    const received = t.recipientId === this.me;
    if (t.status === 'completed' && received && t.availableAt) {
      // Instant when available as it completed: the browser's clock may trail the server's.
      const at = Date.parse(t.availableAt);
      return at <= Date.parse(t.completedAt ?? t.updatedAt) || at <= Date.now()
        ? msg('The money is available now.')
        : msg(str`The money is available on ${this.date(t.availableAt, { dateStyle: 'full' })}.`);
    }
    if (t.status === 'awaiting_recipient' && t.expiresAt) {
      return msg(str`Refunded on ${this.date(t.expiresAt)} if not claimed.`);
    }
    if (t.review && t.status === 'pending') return msg('Being checked for your security.');
    return '';
  }

  private renderTransfer(t: Transfer) {
    const sent = t.senderId === this.me;
    const status = this.transferStatus(t);
    const tone = t.status === 'completed' ? 'good' : t.status === 'failed' ? 'bad' : '';
    const detail = this.transferDetail(t);
    return html`<article class="bubble" part="bubble" aria-labelledby="title amount">
      <p class="title" id="title">${msg('Payment')}</p>
      <span class="amount" part="amount" id="amount">${this.money(t.amount)}</span>
      ${t.note ? html`<p class="note" part="note">${t.note}</p>` : nothing}
      <p class="people" part="people">
        ${
          sent
            ? msg(str`To: ${this.name(t.recipientId)}`)
            : msg(str`From: ${this.name(t.senderId)}`)
        }
      </p>
      <p class="status ${tone}" part="status" tabindex="-1">${status}</p>
      ${detail ? html`<p class="detail">${detail}</p>` : nothing}
      ${
        sent && t.status === 'awaiting_recipient'
          ? html`<div class="actions" part="actions">
            <button
              type="button"
              class="button danger"
              part="cancel"
              aria-disabled=${this.busy ? 'true' : 'false'}
              @click=${() => this.cancelTransfer(t)}
            >
              ${msg('Cancel payment')}
            </button>
          </div>`
          : nothing
      }
      <p class="error" part="error" role="alert">${this.error}</p>
    </article>`;
  }

  private requestStatus(r: MoneyRequest): string {
    switch (r.status) {
      case 'open':
        return r.payerId === this.me ? msg('Requested from you') : msg('Waiting for payment');
      case 'paid':
        return msg('Paid');
      case 'declined':
        return msg('Declined');
      case 'canceled':
        return msg('Canceled');
      default:
        return r.status;
    }
  }

  private renderRequests() {
    const requests = this.requests;
    const first = requests[0] as MoneyRequest;
    const mine = requests.find((r) => r.payerId === this.me);
    const asked = first.requesterId === this.me;
    const group = this.groupId !== undefined && asked;
    const total = requests.reduce((sum, r) => sum + r.amount.value, 0);
    const paid = requests.filter((r) => r.status === 'paid').length;
    const shown = mine ?? first;
    return html`<article class="bubble" part="bubble" aria-labelledby="title amount">
      <p class="title" id="title">${msg('Request', { id: 'bubble-title-request' })}</p>
      <span class="amount" part="amount" id="amount"
        >${this.money(group ? { value: total, currency: first.amount.currency } : shown.amount)}</span
      >
      ${first.note ? html`<p class="note" part="note">${first.note}</p>` : nothing}
      <p class="people" part="people">
        ${
          asked
            ? group
              ? msg(str`${paid} of ${requests.length} paid`)
              : msg(str`Requested from: ${this.name(shown.payerId)}`)
            : msg(str`Asked by: ${this.name(first.requesterId)}`)
        }
      </p>
      ${
        group
          ? html`<ul class="payers" part="payers">
            ${requests.map(
              (r) =>
                html`<li>
                  <span>${this.name(r.payerId)} · ${this.money(r.amount)}</span>
                  <span class=${r.status === 'paid' ? 'status good' : ''}
                    >${this.requestStatus(r)}</span
                  >
                </li>`,
            )}
          </ul>`
          : html`<p
            class="status ${shown.status === 'paid' ? 'good' : ''}"
            part="status"
            tabindex="-1"
          >
            ${this.requestStatus(shown)}
          </p>`
      }
      ${this.renderRequestActions(mine, asked ? requests : [])}
      <p class="error" part="error" role="alert">${this.error}</p>
    </article>`;
  }

  private renderRequestActions(mine: MoneyRequest | undefined, asked: MoneyRequest[]) {
    const open = asked.filter((r) => r.status === 'open');
    if (mine?.status === 'open') {
      return html`<div class="actions" part="actions">
        <button
          type="button"
          class="button primary"
          part="pay"
          aria-disabled=${this.busy ? 'true' : 'false'}
          @click=${() => this.pay(mine)}
        >
          ${this.busy ? html`<span class="spinner" aria-hidden="true"></span>` : nothing}
          ${msg(str`Pay ${this.money(mine.amount)}`)}
        </button>
        <button
          type="button"
          class="button"
          part="decline"
          aria-disabled=${this.busy ? 'true' : 'false'}
          @click=${() => this.decline(mine)}
        >
          ${msg('Decline')}
        </button>
      </div>`;
    }
    if (open.length > 0) {
      return html`<div class="actions" part="actions">
        <button
          type="button"
          class="button danger"
          part="cancel"
          aria-disabled=${this.busy ? 'true' : 'false'}
          @click=${() => this.cancelRequests(open)}
        >
          ${msg('Cancel request')}
        </button>
      </div>`;
    }
    return nothing;
  }

  /** Runs an action: busy state, error message, focus kept on the status line after it. */
  private async act(action: () => Promise<unknown>) {
    if (this.busy) return;
    this.busy = true;
    this.error = '';
    try {
      await action();
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.busy = false;
    }
    await this.updateComplete;
    // The button pressed may be gone, or the focus left in the PIN dialog just closed (Chromium
    // does not always give it back): keep it in the bubble, where the user is.
    const active = this.shadowRoot?.activeElement;
    if (!active || active === this.dialog || (!this.dialog.open && this.dialog.contains(active))) {
      this.statusLine?.focus();
    }
  }

  private cancelTransfer(t: Transfer) {
    return this.act(async () => {
      const client = this.session?.client;
      if (!client) return;
      this.transfer = await client.transfers.cancel(t.id);
      this.announce(this.transferStatus(this.transfer));
    });
  }

  private decline(r: MoneyRequest) {
    return this.act(async () => {
      const client = this.session?.client;
      if (!client) return;
      this.replace(await client.requests.decline(r.id));
      this.announce(msg('Request declined.'));
    });
  }

  private cancelRequests(open: MoneyRequest[]) {
    return this.act(async () => {
      const client = this.session?.client;
      if (!client) return;
      for (const r of open) this.replace(await client.requests.cancel(r.id));
      this.announce(msg('Request canceled.'));
    });
  }

  private replace(next: MoneyRequest) {
    this.requests = this.requests.map((r) => (r.id === next.id ? next : r));
    if (this.request?.id === next.id) this.request = next;
  }

  private async pay(r: MoneyRequest, authorization?: string) {
    const client = this.session?.client;
    if (!client) return;
    // One key per request and PIN use: a second click, or a retry, never pays twice.
    this.payKey ??= crypto.randomUUID();
    await this.act(async () => {
      try {
        const transfer = await client.requests.pay(r, authorization ? { authorization } : {}, {
          idempotencyKey: this.payKey,
        });
        this.payKey = undefined;
        if (this.dialog.open) this.dialog.close();
        this.replace(await client.requests.get(r.id));
        // Refused by the card network: nothing to post in the conversation; say why.
        if (transfer.status === 'failed') {
          this.error = failureText(transfer.failureReason);
          return;
        }
        this.emit('settle-transfer', { transfer });
        this.announce(msg(str`You paid ${this.money(r.amount)} to ${this.name(r.requesterId)}.`));
      } catch (error) {
        this.payKey = undefined;
        if (error instanceof AuthenticationError && error.code === 'authentication_required') {
          this.paying = r;
          await this.updateComplete;
          showDialog(this.dialog, () => this.renderRoot.querySelector('[part="pay"]'));
          this.pinPrompt?.focus();
          return;
        }
        if (this.dialog.open) this.dialog.close();
        throw error;
      }
    });
  }
}
