import { msg } from '@lit/localize';
import { css, html } from 'lit';
import { property, state } from 'lit/decorators.js';
import { SettleElement } from '../shared/settle-element.js';
import { controlStyles, themeStyles } from '../shared/styles.js';
import type { EnrollmentFlow } from './enrollment-flow.js';

export type Country = 'FR' | 'GB' | 'US';

/** The steps load when the first enrollment connects: most pages never show one. */
let flowModule: Promise<typeof import('./enrollment-flow.js')> | undefined;
const loadFlow = () => {
  flowModule ??= import('./enrollment-flow.js');
  return flowModule;
};

/**
 * @summary Sets up payments: profile with a mobile number, the debit card in Settle's card
 * frame, a PIN, and the SMS code. Shows progress, and resumes where the user left off (the
 * account's `nextStep`); a locked account is unlocked with an SMS code and a new PIN.
 *
 * @fires settle-enrollment-step - A step is shown: `detail` is `{ step, account }`.
 * @fires settle-enrolled - Payments are set up: `detail.account`.
 * @fires settle-card-error - The card frame or Settle refused the card: `detail.code` (never
 * the number).
 * @csspart progress - The list of steps.
 * @csspart step - The current step's form.
 * @csspart heading - The current step's heading.
 * @csspart card-frame - The iframe of the card frame.
 * @csspart submit - The current step's main button.
 * @csspart error - The error message.
 */
export class SettleEnrollment extends SettleElement {
  static override styles = [
    themeStyles,
    controlStyles,
    css`
      :host {
        display: block;
        max-width: 28rem;
      }
      .panel {
        padding: 1.25rem;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        background: var(--_surface);
      }
      /* The steps share one row while their names fit (large text on a phone, in French:
         "Code secret", "Code SMS"), then go on to a second. */
      ol {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 0.25rem;
        margin: 0 0 1rem;
        padding: 0;
        list-style: none;
        counter-reset: step;
      }
      ol li {
        flex: 1;
        overflow-wrap: break-word;
        padding-top: 0.4rem;
        border-top: 4px solid var(--_border);
        color: var(--_muted);
        font-size: 0.8rem;
      }
      ol li.done,
      ol li[aria-current='step'] {
        border-top-color: var(--_accent);
        color: var(--_text);
      }
      ol li[aria-current='step'] {
        font-weight: 700;
      }
      [part='heading'] {
        margin: 0 0 0.75rem;
        font-size: 1.2rem;
      }
      [part='heading']:focus {
        outline: none;
      }
      .phone {
        display: flex;
        align-items: stretch;
        gap: 0.4rem;
      }
      .phone .prefix {
        display: flex;
        align-items: center;
        padding: 0 0.6rem;
        border: 1px solid var(--_border);
        border-radius: calc(var(--_radius) / 1.5);
        background: var(--_surface-raised);
      }
      iframe {
        display: block;
        width: 100%;
        height: 14rem;
        border: 0;
      }
      iframe.loading {
        visibility: hidden;
        height: 0;
      }
      .saved {
        font-weight: 600;
      }
    `,
  ];

  /** The country preselected in the profile; by default the one of the page's language. */
  @property() country?: Country;

  /** The level of the steps' headings, to fit the page's outline (1 to 6; default 2). */
  @property({ attribute: 'heading-level', type: Number }) headingLevel = 2;

  private flow?: EnrollmentFlow;
  @state() private loadFailed = false;

  override connectedCallback() {
    super.connectedCallback();
    loadFlow().then(
      ({ EnrollmentFlow }) => {
        if (this.flow) return;
        // The flow reaches the element's protected members through these.
        this.flow = new EnrollmentFlow({
          element: this,
          session: () => this.session,
          locale: () => this.locale,
          emit: (type, detail) => this.emit(type, detail),
          announce: (text) => this.announce(text),
        });
        this.addController(this.flow);
        this.requestUpdate();
      },
      // Browsers keep a failed module import failed for the page's life: only a reload helps.
      () => {
        this.loadFailed = true;
      },
    );
  }

  override render() {
    return html`<div class="panel">
        ${
          this.flow?.render() ??
          (this.loadFailed
            ? html`<p class="error" part="error" role="alert">
                  ${msg('Payment set-up could not be loaded. Check your connection, then reload.')}
                </p>
                <button type="button" class="button" @click=${() => location.reload()}>
                  ${msg('Reload')}
                </button>`
            : html`<p aria-busy="true">
                <span class="spinner" aria-hidden="true"></span> ${msg('Loading…')}
              </p>`)
        }
      </div>
      ${this.liveRegion()}`;
  }
}
