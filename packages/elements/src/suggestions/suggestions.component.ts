import { msg, str } from '@lit/localize';
import type { Settle } from '@settle/sdk';
import type { Assistant, Suggestion } from '@settle/sdk/assistant';
import { css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { SettleElement } from '../shared/settle-element.js';
import { controlStyles, themeStyles } from '../shared/styles.js';

/** At most this many chips at once; older ones give way. */
const MAX_CHIPS = 3;

/**
 * @summary The assistant's suggestion chips for one conversation ("Send €20.00"), from the
 * on-device assistant of `@settle/sdk/assistant`. Each can be taken, dismissed, muted for the
 * conversation ("not here"), or turned off for its kind ("never").
 *
 * @fires settle-suggestion - The user picked a suggestion: `detail.suggestion` (for a money
 * one, `suggestion.data` is `{ action: 'send' | 'request', amount?, counterpart? }`).
 * @csspart chips - The list of chips.
 * @csspart chip - One chip.
 * @csspart suggestion - The chip's main button.
 * @csspart dismiss - The chip's dismiss button.
 * @csspart more - The button showing "not here" and "never".
 * @csspart menu - Those two choices.
 * @csspart error - The error message.
 */
export class SettleSuggestions extends SettleElement {
  static override styles = [
    themeStyles,
    controlStyles,
    css`
      :host {
        display: block;
      }
      ul {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      li {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.25rem;
        padding: 0.2rem;
        border: 1px solid var(--_accent);
        border-radius: 999px;
        background: var(--_surface);
      }
      li.open {
        border-radius: var(--_radius);
      }
      .button {
        min-height: 2.25rem;
        border: 0;
      }
      .icon {
        min-width: 2.25rem;
        padding: 0.25rem 0.6rem;
        background: transparent;
        color: var(--_muted);
      }
      .menu {
        display: flex;
        flex-basis: 100%;
        flex-wrap: wrap;
        gap: 0.25rem;
      }
    `,
  ];

  /** Only this conversation's suggestions show. */
  @property({ attribute: 'conversation-id' }) conversationId = '';

  /** The assistant; by default the provider's `assistant`. */
  @property({ attribute: false }) assistant?: Assistant;

  @state() private chips: Suggestion[] = [];
  @state() private expanded?: string;
  @state() private error = '';

  private listening?: Assistant;
  private listeningClient?: Settle;
  private stop?: () => void;

  private get resolvedAssistant() {
    return this.assistant ?? this.session?.assistant;
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.stop?.();
    this.stop = undefined;
    this.listening = undefined;
  }

  override willUpdate(changed: PropertyValues<this>) {
    const assistant = this.resolvedAssistant;
    const client = this.session?.client;
    // Only on the page: listening opens the live event stream, never closed if taken off.
    if (this.isConnected && (assistant !== this.listening || client !== this.listeningClient)) {
      this.stop?.();
      this.listening = assistant;
      this.listeningClient = client;
      this.stop = assistant && this.listen(assistant);
    }
    if (changed.has('conversationId')) this.chips = [];
  }

  /** Chips come from the assistant; the user's payments go to it, to withdraw those settled. */
  private listen(assistant: Assistant) {
    const stops = [
      assistant.onSuggestion((suggestion) => this.add(suggestion)),
      assistant.onWithdraw(({ id }) => this.withdraw(id)),
      this.session?.onEvent((event) => assistant.observeEvent(event)),
    ];
    return () => {
      for (const stop of stops) stop?.();
    };
  }

  private add(suggestion: Suggestion) {
    if (suggestion.conversationId !== this.conversationId) return;
    if (this.chips.some((chip) => chip.id === suggestion.id)) return;
    this.chips = [...this.chips, suggestion].slice(-MAX_CHIPS);
    this.announce(msg(str`Suggestion: ${suggestion.title}`));
  }

  /** A payment settled the chip: it goes, the focus moving on if it was there. */
  private withdraw(id: string) {
    const index = this.chips.findIndex((chip) => chip.id === id);
    if (index < 0) return;
    const shown = this.renderRoot.querySelectorAll('[part="chip"]')[index];
    const hadFocus = shown?.matches(':focus-within');
    this.drop((chip) => chip.id === id);
    if (hadFocus) void this.refocus(index);
  }

  /** Chips go; the others keep their DOM (the focus stays put) and an open menu stays open. */
  private drop(test: (chip: Suggestion) => boolean) {
    this.chips = this.chips.filter((chip) => !test(chip));
    if (!this.chips.some((chip) => chip.id === this.expanded)) this.expanded = undefined;
  }

  /** After a chip goes, the focus goes to the next one, or leaves quietly. */
  private async refocus(index: number) {
    await this.updateComplete;
    const buttons = this.renderRoot.querySelectorAll<HTMLElement>('[part="suggestion"]');
    (buttons[Math.min(index, buttons.length - 1)] ?? null)?.focus();
  }

  override render() {
    if (this.chips.length === 0) {
      return html`<p class="error" part="error" role="alert">${this.error}</p>
        ${this.liveRegion()}`;
    }
    return html`<ul part="chips" aria-label=${msg('Suggestions')}>
        ${repeat(
          this.chips,
          (chip) => chip.id,
          (chip, index) => this.renderChip(chip, index),
        )}
      </ul>
      <p class="error" part="error" role="alert">${this.error}</p>
      ${this.liveRegion()}`;
  }

  private renderChip(chip: Suggestion, index: number) {
    const open = this.expanded === chip.id;
    const menuId = `menu-${index}`;
    return html`<li part="chip" class=${open ? 'open' : ''}>
      <button type="button" class="button" part="suggestion" @click=${() => this.pick(chip)}>
        ${chip.title}
      </button>
      <button
        type="button"
        class="button icon"
        part="more"
        aria-expanded=${open ? 'true' : 'false'}
        aria-controls=${menuId}
        aria-label=${msg(str`More choices for ${chip.title}`)}
        @click=${() => {
          this.expanded = open ? undefined : chip.id;
        }}
      >
        …
      </button>
      <button
        type="button"
        class="button icon"
        part="dismiss"
        aria-label=${msg(str`Dismiss ${chip.title}`)}
        @click=${() => this.dismiss(chip, index)}
      >
        ✕
      </button>
      ${
        open
          ? html`<div class="menu" part="menu" id=${menuId}>
            <button type="button" class="button link" @click=${() => this.notHere(chip)}>
              ${msg('Not in this conversation')}
            </button>
            <button type="button" class="button link" @click=${() => this.never(chip)}>
              ${msg('Never suggest this')}
            </button>
          </div>`
          : nothing
      }
    </li>`;
  }

  private pick(chip: Suggestion) {
    this.drop((c) => c.id === chip.id);
    this.emit('settle-suggestion', { suggestion: chip });
  }

  private dismiss(chip: Suggestion, index: number) {
    this.resolvedAssistant?.dismiss(chip.id);
    this.drop((c) => c.id === chip.id);
    this.announce(msg('Suggestion dismissed.'));
    void this.refocus(index);
  }

  private async notHere(chip: Suggestion) {
    await this.choose(
      () => this.resolvedAssistant?.notHere(chip.id),
      (c) => c.conversationId === chip.conversationId,
      msg('No more suggestions in this conversation.'),
    );
  }

  private async never(chip: Suggestion) {
    await this.choose(
      () => this.resolvedAssistant?.never(chip.kind),
      (c) => c.kind === chip.kind,
      msg('You will not get this kind of suggestion again.'),
    );
  }

  /** A choice kept on the server: the chips go once it is saved. */
  private async choose(
    save: () => Promise<void> | undefined,
    gone: (chip: Suggestion) => boolean,
    said: string,
  ) {
    this.error = '';
    try {
      await save();
      this.drop(gone);
      this.announce(said);
    } catch {
      this.error = msg('Your choice could not be saved. Try again.');
    }
  }
}
