import { consume } from '@lit/context';
import { updateWhenLocaleChanges } from '@lit/localize';
import { formatMoney, type Money } from '@settle/sdk';
import { html, LitElement } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { SettleEventDetails } from '../events.js';
import { type SettleSession, settleContext } from '../session/context.js';

/**
 * What every Settle element shares: the provider's session, the language, the theme
 * attribute, and a polite live region that announces state changes to screen readers.
 *
 * @cssproperty --settle-accent - Buttons, focus and highlights.
 * @cssproperty --settle-on-accent - Text on the accent colour.
 * @cssproperty --settle-surface - Background of panels, dialogs and fields.
 * @cssproperty --settle-surface-raised - Background of bubbles and prefixes.
 * @cssproperty --settle-text - Text.
 * @cssproperty --settle-text-muted - Secondary text.
 * @cssproperty --settle-border - Borders of fields and panels.
 * @cssproperty --settle-danger - Errors.
 * @cssproperty --settle-success - Completed and received money.
 * @cssproperty --settle-focus-ring - The keyboard focus outline.
 * @cssproperty --settle-radius - Corner radius (default 12px).
 * @cssproperty --settle-font - Font family.
 */
export class SettleElement extends LitElement {
  /** `light` or `dark` forces a theme; by default the provider's, else the user's preference. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  @consume({ context: settleContext, subscribe: true })
  @state()
  protected session?: SettleSession;

  @state() private announcement = '';

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  /** The language for `Intl`. */
  protected get locale(): string {
    return this.session?.locale ?? (this.closest('[lang]')?.getAttribute('lang') || 'en');
  }

  protected money(money: Money): string {
    return formatMoney(money, this.locale);
  }

  protected date(iso: string, options: Intl.DateTimeFormatOptions = { dateStyle: 'long' }) {
    return new Intl.DateTimeFormat(this.locale, options).format(new Date(iso));
  }

  protected name(userId: string): string {
    return this.session?.displayName(userId) ?? userId;
  }

  /** Says `text` through the live region (screen readers read it once, politely). */
  protected announce(text: string) {
    // The same text twice in a row must still be read: clear, then set on the next frame.
    setTimeout(() => {
      this.announcement = '';
      requestAnimationFrame(() => {
        this.announcement = text;
      });
    });
  }

  protected liveRegion() {
    return html`<div class="visually-hidden" role="status" aria-live="polite">
      ${this.announcement}
    </div>`;
  }

  /** Fires a DOM event that crosses shadow roots, as chat apps listen for them on any ancestor. */
  protected emit<K extends keyof SettleEventDetails>(
    type: K,
    detail: SettleEventDetails[K],
    cancelable = false,
  ): boolean {
    return this.dispatchEvent(settleEvent(type, detail, cancelable));
  }
}

// Outside the class, so the manifest analyzer lists each element's own events (@fires), not
// an event named `type`.
const settleEvent = <T>(type: string, detail: T, cancelable: boolean) =>
  new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable });
