/**
 * The card frame's stylesheet, served as `/card-frame.css` (the CSP allows no inline style).
 *
 * Light by default, dark with `prefers-color-scheme` unless the chat app picked a theme with
 * `settle:card-theme` (`data-theme` on `<html>` wins both ways). Controls are at least 44px high
 * (WCAG 2.5.5 target size), focus is always visible, and the error colours keep at least 4.5:1
 * contrast on their background (#b3261e on #fff is 6.5:1, #ffb4ab on #1c1b1f is 10:1).
 *
 * @example
 * app.get('/card-frame.css', (c) => c.body(cardFrameCss, 200, { 'content-type': 'text/css' }));
 */
export const cardFrameCss = `:root {
  color-scheme: light;
  --fg: #1c1b1f;
  --muted: #49454f;
  --field-bg: #ffffff;
  --border: #79747e;
  --accent: #0b57d0;
  --accent-fg: #ffffff;
  --focus: #0b57d0;
  --error: #b3261e;
  --error-bg: #fdecea;
}

@media (prefers-color-scheme: dark) {
  :root:not([data-theme='light']) {
    color-scheme: dark;
    --fg: #e6e1e5;
    --muted: #cac4d0;
    --field-bg: #2b2930;
    --border: #938f99;
    --accent: #a8c7fa;
    --accent-fg: #062e6f;
    --focus: #a8c7fa;
    --error: #ffb4ab;
    --error-bg: #410e0b;
  }
}

:root[data-theme='dark'] {
  color-scheme: dark;
  --fg: #e6e1e5;
  --muted: #cac4d0;
  --field-bg: #2b2930;
  --border: #938f99;
  --accent: #a8c7fa;
  --accent-fg: #062e6f;
  --focus: #a8c7fa;
  --error: #ffb4ab;
  --error-bg: #410e0b;
}

*,
*::before,
*::after {
  box-sizing: border-box;
}

/* Transparent: the chat app's own background shows through, whatever shade its theme uses
   (the same color-scheme on both sides keeps Chromium from painting an opaque backdrop). */
/* 100 %: the user's text size (16px by default), which a larger setting makes larger, as it
   does the chat app's page around the frame. */
html {
  background: transparent;
  color: var(--fg);
  font: 100%/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  -webkit-text-size-adjust: 100%;
}

/* No margin, so the height posted to the chat app is exactly the body's box. */
body {
  margin: 0;
  padding: 4px;
}

.card-form {
  display: grid;
  gap: 12px;
}

/* Expiry and CVC side by side while each gets 7em (a 260px frame at 16px), else one under the
   other: with large text their labels and fields would overlap. */
.row {
  display: grid;
  grid-template-columns: repeat(auto-fit, minmax(min(100%, 7em), 1fr));
  gap: 12px;
}

.field {
  display: grid;
  /* Side by side, a label may wrap onto more lines than its neighbour's: the inputs line up
     at the bottom of the row, and the labels sit on them. */
  align-content: end;
  gap: 4px;
  min-width: 0;
}

label {
  color: var(--muted);
  font-size: 0.875rem;
  font-weight: 500;
}

input {
  width: 100%;
  min-height: 44px;
  padding: 10px 12px;
  border: 1px solid var(--border);
  border-radius: 8px;
  background: var(--field-bg);
  color: var(--fg);
  /* The user's text size (16px by default) at least, or iOS zooms into the field on focus. */
  font: inherit;
  font-variant-numeric: tabular-nums;
  letter-spacing: 0.02em;
}

input::placeholder {
  color: var(--muted);
  opacity: 0.7;
}

input[aria-invalid='true'] {
  border-color: var(--error);
  box-shadow: inset 0 0 0 1px var(--error);
}

button {
  min-height: 44px;
  padding: 10px 16px;
  border: 0;
  border-radius: 22px;
  background: var(--accent);
  color: var(--accent-fg);
  font: inherit;
  font-weight: 600;
  cursor: pointer;
}

button[aria-disabled="true"] {
  cursor: progress;
  opacity: 0.7;
}

input:focus-visible,
button:focus-visible {
  outline: 3px solid var(--focus);
  outline-offset: 2px;
}

/* Kept in the layout when empty so screen readers announce the alert when it fills. */
.error {
  margin: 0;
  color: var(--error);
  font-size: 0.875rem;
}

.error:not(:empty) {
  padding: 8px 12px;
  border-radius: 8px;
  background: var(--error-bg);
}

.visually-hidden {
  position: absolute;
  width: 1px;
  height: 1px;
  margin: -1px;
  padding: 0;
  overflow: hidden;
  clip: rect(0 0 0 0);
  white-space: nowrap;
  border: 0;
}

@media (prefers-reduced-motion: no-preference) {
  input,
  button {
    transition: border-color 120ms ease, box-shadow 120ms ease;
  }
}

@media (forced-colors: active) {
  input[aria-invalid='true'] {
    border-width: 3px;
  }
}
`;
