import { css } from 'lit';

/**
 * The theme. Every colour is a documented `--settle-*` custom property with a light and a dark
 * default (`light-dark()`), picked by `color-scheme`: the user's preference, unless the element's
 * or the provider's `theme` attribute forces one. A forced theme is passed on (as the provider
 * does) to the elements inside, such as the PIN prompt in a dialog. Colours meet WCAG AA contrast
 * in both.
 */
export const themeStyles = css`
  :host {
    color-scheme: var(--settle-color-scheme, light dark);
    --_accent: var(--settle-accent, light-dark(#0a5ad4, #7cb4ff));
    --_on-accent: var(--settle-on-accent, light-dark(#ffffff, #0b1320));
    --_surface: var(--settle-surface, light-dark(#ffffff, #1f2023));
    --_surface-raised: var(--settle-surface-raised, light-dark(#f0f2f5, #2b2d31));
    --_text: var(--settle-text, light-dark(#16181d, #f2f3f5));
    --_muted: var(--settle-text-muted, light-dark(#50565f, #b9bdc4));
    --_border: var(--settle-border, light-dark(#80868f, #8d939c));
    --_danger: var(--settle-danger, light-dark(#b3261e, #ffa198));
    --_success: var(--settle-success, light-dark(#146c2e, #7ee2a0));
    --_radius: var(--settle-radius, 12px);
    --_font: var(--settle-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_focus: var(--settle-focus-ring, light-dark(#0a5ad4, #7cb4ff));
    font-family: var(--_font);
    color: var(--_text);
  }
  :host([theme='light']) {
    color-scheme: light;
    --settle-color-scheme: light;
  }
  :host([theme='dark']) {
    color-scheme: dark;
    --settle-color-scheme: dark;
  }
  :host([hidden]) {
    display: none;
  }
`;

/** Controls shared by the elements: buttons, fields, messages, the live region, spinners. */
export const controlStyles = css`
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
  }
  .button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.4em;
    min-height: 2.5rem;
    padding: 0.5rem 1rem;
    border: 1px solid var(--_border);
    border-radius: 999px;
    background: var(--_surface);
    color: var(--_text);
    font-weight: 600;
    cursor: pointer;
  }
  .button.primary {
    border-color: var(--_accent);
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .button.danger {
    border-color: var(--_danger);
    color: var(--_danger);
  }
  .button.link {
    min-height: auto;
    padding: 0.25rem 0.5rem;
    border-color: transparent;
    background: transparent;
    color: var(--_accent);
    text-decoration: underline;
  }
  .button:disabled,
  .button[aria-disabled='true'] {
    cursor: not-allowed;
    opacity: 0.7;
  }
  :focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  .field {
    display: grid;
    gap: 0.3rem;
    margin-block: 0 0.9rem;
  }
  .field > label,
  legend {
    font-weight: 600;
  }
  .hint {
    color: var(--_muted);
    font-size: 0.875em;
  }
  input[type='text'],
  input[type='password'],
  input[type='tel'],
  input:not([type]),
  select {
    width: 100%;
    min-height: 2.75rem;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 1.5);
    background: var(--_surface);
  }
  input[aria-invalid='true'] {
    border-color: var(--_danger);
    border-width: 2px;
  }
  fieldset {
    margin: 0 0 0.9rem;
    padding: 0;
    border: 0;
  }
  .error {
    margin: 0;
    color: var(--_danger);
    font-weight: 600;
  }
  .error:empty {
    display: none;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: 0.5rem;
    margin-top: 1rem;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
  .spinner {
    display: inline-block;
    width: 1em;
    height: 1em;
    border: 2px solid currentColor;
    border-right-color: transparent;
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
    vertical-align: -0.15em;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation-duration: 3s;
    }
  }
`;

/** A modal `<dialog>`: native, so focus stays inside and Escape closes it. */
export const dialogStyles = css`
  dialog {
    width: min(26rem, calc(100vw - 2rem));
    padding: 1.25rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_text);
    box-shadow: 0 12px 40px rgb(0 0 0 / 0.3);
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.45);
  }
  dialog h2 {
    margin: 0 0 1rem;
    font-size: 1.2rem;
  }
`;
