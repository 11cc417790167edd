// The page of /__settle/csp.html: renders the elements under a strict CSP and reports to the
// test (its parent) every CSP violation and whether the elements got their styles.
const violations: string[] = [];
document.addEventListener('securitypolicyviolation', (event) => {
  violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});

await import('../settle-elements.js');
const { settleUrl, tokenUrl, until } = await import('./server.js');
const user = new URLSearchParams(location.search).get('user') ?? 'nobody';

const provider = document.createElement('settle-provider');
provider.setAttribute('base-url', await settleUrl());
provider.setAttribute('token-url', tokenUrl(user));
const button = document.createElement('settle-send-money-button');
button.setAttribute('recipient-id', 'someone');
const enrollment = document.createElement('settle-enrollment');
provider.append(button, enrollment);
document.body.append(provider);

const inner = await until(() =>
  button.shadowRoot?.querySelector<HTMLButtonElement>('[part="button"]:not([disabled])'),
);
await until(() => enrollment.shadowRoot?.querySelector('h2'));
parent.postMessage(
  {
    type: 'csp-report',
    violations,
    // Lit's adopted stylesheets applied: the button has the accent background, not the default.
    buttonRadius: getComputedStyle(inner).borderRadius,
    heading: enrollment.shadowRoot?.querySelector('h2')?.textContent?.trim(),
  },
  location.origin,
);
