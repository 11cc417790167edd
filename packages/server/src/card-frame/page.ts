/** Options of the card entry page. */
export interface CardFramePageOptions {
  /** Origin of the chat app embedding the frame; the only one the frame talks to. */
  parentOrigin: string;
  lang: 'en' | 'fr';
  /** URL of the frame script (`/card-frame.js`), loaded as a module. */
  scriptSrc: string;
  /** URL of the frame stylesheet (`/card-frame.css`). */
  styleSrc: string;
  /** The page has no inline script or style, so it never needs a CSP nonce. */
  nonceless?: never;
}

/** Labels, and the messages the frame script reads from `data-msg-*` attributes. */
const text = {
  en: {
    title: 'Card details',
    number: 'Card number',
    expiry: 'Expiry date (MM/YY)',
    expiryPlaceholder: 'MM/YY',
    cvc: 'Security code (CVC)',
    submit: 'Save card',
    messages: {
      number: 'Check the card number: it is incomplete or mistyped.',
      expiry: 'Enter the expiry date as on the card, for example 08/29.',
      expired: 'This card has expired.',
      cvc: 'Enter the 3 or 4 digit security code from the back of the card.',
      network: 'Connection problem: the card was not saved. Try again.',
      'too-many': 'Too many cards were entered from this network just now. Try again in a minute.',
      unavailable:
        'Card entry is unavailable for a moment: the card was not saved. Try again shortly.',
      saved: 'Card saved.',
    },
  },
  fr: {
    title: 'Coordonnées de la carte',
    number: 'Numéro de carte',
    expiry: 'Date d’expiration (MM/AA)',
    expiryPlaceholder: 'MM/AA',
    cvc: 'Cryptogramme visuel (CVC)',
    submit: 'Enregistrer la carte',
    messages: {
      number: 'Vérifiez le numéro de carte : il est incomplet ou erroné.',
      expiry: 'Saisissez la date d’expiration figurant sur la carte, par exemple 08/29.',
      expired: 'Cette carte a expiré.',
      cvc: 'Saisissez les 3 ou 4 chiffres du cryptogramme au dos de la carte.',
      network: 'Problème de connexion : la carte n’a pas été enregistrée. Réessayez.',
      'too-many': 'Trop de cartes saisies depuis ce réseau à l’instant. Réessayez dans une minute.',
      unavailable:
        'La saisie de carte est momentanément indisponible : la carte n’a pas été enregistrée. Réessayez dans un instant.',
      saved: 'Carte enregistrée.',
    },
  },
} as const;

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and for double- or single-quoted attribute values. */
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => entities[char] ?? char);
}

/**
 * Renders the card entry page that the chat app embeds in an iframe from the Settle origin, so
 * card numbers are typed into, and sent from, a page the chat app cannot read.
 *
 * The page has no inline script or style (the CSP from `cardFrameCsp` forbids both); the parent
 * origin and the localized messages reach the script through `data-*` attributes. Every value
 * interpolated is HTML-escaped.
 *
 * The inputs deliberately have no `name`: if the script failed to load, a native form submission
 * (already blocked by `form-action 'none'`) would still carry no card data.
 *
 * @example
 * const html = renderCardFramePage({
 *   parentOrigin: 'https://chat.example',
 *   lang: 'fr',
 *   scriptSrc: '/card-frame.js',
 *   styleSrc: '/card-frame.css',
 * });
 */
export function renderCardFramePage(options: CardFramePageOptions): string {
  const t = text[options.lang] ?? text.en;
  const lang = options.lang === 'fr' ? 'fr' : 'en';
  const e = escapeHtml;
  // Numeric text inputs rather than type=number: card numbers keep their leading zeros and
  // spaces, and no spinner or scroll wheel changes them.
  const field = (
    name: string,
    label: string,
    autocomplete: string,
    placeholder: string,
    maxlength: number,
  ) =>
    `<div class="field field-${name}">\n<label for="card-${name}">${e(label)}</label>\n` +
    `<input id="card-${name}" type="text" inputmode="numeric" autocomplete="${autocomplete}" ` +
    `placeholder="${e(placeholder)}" maxlength="${maxlength}" spellcheck="false" ` +
    'autocorrect="off" autocapitalize="off" required aria-describedby="card-error">\n</div>';
  const messages = Object.entries(t.messages)
    .map(([key, message]) => ` data-msg-${key}="${e(message)}"`)
    .join('');
  return `<!doctype html>
<html lang="${lang}" data-parent-origin="${e(options.parentOrigin)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${e(t.title)}</title>
<link rel="stylesheet" href="${e(options.styleSrc)}">
<script type="module" src="${e(options.scriptSrc)}"></script>
</head>
<body>
<form id="card-form" class="card-form" novalidate aria-label="${e(t.title)}"${messages}>
${field('number', t.number, 'cc-number', '1234 1234 1234 1234', 23)}
<div class="row">
${field('expiry', t.expiry, 'cc-exp', t.expiryPlaceholder, 5)}
${field('cvc', t.cvc, 'cc-csc', '123', 4)}
</div>
<button id="card-submit" type="submit">${e(t.submit)}</button>
<p id="card-error" class="error" role="alert"></p>
<p id="card-status" class="visually-hidden" role="status"></p>
</form>
</body>
</html>
`;
}
