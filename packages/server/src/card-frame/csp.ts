/** An allowed embedder: an exact origin, or a scheme and host with any port (`:*`). */
type OriginPattern = { origin: string } | { protocol: string; hostname: string };

/** The origin if `value` is exactly a bare, canonical http(s) origin, else undefined. */
function bareOrigin(value: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  // WHATWG URLs accept hosts such as `*.example` or `a;b`, which mean something else (or break
  // the header) inside a CSP source list: only plain DNS names and IP literals are allowed.
  if (!/^(?:[a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/.test(url.hostname)) return undefined;
  // Rejects paths, queries, fragments, credentials, trailing slashes and non-canonical spellings
  // (upper case, default ports), since browsers send origins canonically.
  return url.origin === value ? url : undefined;
}

function parsePattern(pattern: string): OriginPattern | undefined {
  if (pattern.endsWith(':*')) {
    const url = bareOrigin(pattern.slice(0, -2));
    // A port before `:*` (or no origin at all) is not a valid pattern.
    if (url?.port !== '') return undefined;
    return { protocol: url.protocol, hostname: url.hostname };
  }
  return bareOrigin(pattern) ? { origin: pattern } : undefined;
}

/** Whether `value` can be an allowed origin: `https://chat.example` or `http://localhost:*`. */
export const isOriginPattern = (value: string) => parsePattern(value) !== undefined;

/**
 * Whether `origin` (an `Origin` header or a `parentOrigin` parameter) is one of the allowed
 * embedders. Patterns are exact origins (`https://chat.example`) or a host with any port
 * (`http://localhost:*`), for development servers. Anything that is not a bare origin, on either
 * side, never matches.
 *
 * @example
 * isAllowedOrigin('http://localhost:5173', ['http://localhost:*']); // true
 * isAllowedOrigin('https://chat.example/path', ['https://chat.example']); // false
 */
export function isAllowedOrigin(origin: string, allowedOrigins: string[]): boolean {
  const url = bareOrigin(origin);
  if (!url) return false;
  return allowedOrigins.some((allowed) => {
    const pattern = parsePattern(allowed);
    if (!pattern) return false;
    if ('origin' in pattern) return pattern.origin === origin;
    return pattern.protocol === url.protocol && pattern.hostname === url.hostname;
  });
}

/**
 * The Content-Security-Policy of the card frame: only its own script, style and API, no form
 * submissions, and `frame-ancestors` limited to the chat apps allowed to embed it (`'none'` when
 * there are none), so another site cannot frame the page to phish for card numbers.
 *
 * @throws TypeError when an allowed origin is not a bare origin or `scheme://host:*`, since it
 * would otherwise be written into the header and could add directives.
 * @example
 * cardFrameCsp(['https://chat.example', 'http://localhost:*']);
 * // "default-src 'none'; … frame-ancestors https://chat.example http://localhost:*"
 */
export function cardFrameCsp(allowedOrigins: string[]): string {
  for (const origin of allowedOrigins) {
    if (!parsePattern(origin)) {
      throw new TypeError(
        `Allowed origin ${JSON.stringify(origin)} must be a bare origin ` +
          '(https://chat.example) or a host with any port (http://localhost:*).',
      );
    }
  }
  const ancestors = allowedOrigins.length > 0 ? allowedOrigins.join(' ') : "'none'";
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self'",
    "form-action 'none'",
    "base-uri 'none'",
    `frame-ancestors ${ancestors}`,
  ].join('; ');
}
