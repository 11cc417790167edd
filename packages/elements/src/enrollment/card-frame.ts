/** What the card frame hands the page: never the number or the CVC. */
export interface CardFrameToken {
  token: string;
  card: { brand: string; last4: string; expMonth: number; expYear: number };
}

export interface CardFrameHandlers {
  ready(): void;
  resize(height: number): void;
  token(result: CardFrameToken): void;
  error(code: string): void;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** The card frame's URL on the Settle server, for this page's origin and language. */
export function cardFrameUrl(baseUrl: string, lang: string): string {
  const url = new URL('/card-frame', baseUrl);
  url.searchParams.set('origin', location.origin);
  url.searchParams.set('lang', lang);
  return url.href;
}

/**
 * Listens to the card frame in `frame` (served by the Settle server at `baseUrl`): only
 * messages from that window AND that origin count, and only the token and the displayable
 * card fields are taken from them. Returns the function that stops listening.
 */
export function listenToCardFrame(
  frame: HTMLIFrameElement,
  baseUrl: string,
  handlers: CardFrameHandlers,
): () => void {
  const origin = new URL(baseUrl).origin;
  const onMessage = (event: MessageEvent) => {
    if (event.origin !== origin || event.source !== frame.contentWindow) return;
    const data: unknown = event.data;
    if (!isRecord(data)) return;
    switch (data.type) {
      case 'settle:card-ready':
        return handlers.ready();
      case 'settle:card-resize':
        if (typeof data.height === 'number' && data.height > 0) handlers.resize(data.height);
        return;
      case 'settle:card-token': {
        const card = isRecord(data.card) ? data.card : {};
        if (typeof data.token !== 'string') return;
        return handlers.token({
          token: data.token,
          card: {
            brand: String(card.brand ?? ''),
            last4: String(card.last4 ?? ''),
            expMonth: Number(card.expMonth),
            expYear: Number(card.expYear),
          },
        });
      }
      case 'settle:card-error':
        return handlers.error(typeof data.code === 'string' ? data.code : 'unknown');
    }
  };
  window.addEventListener('message', onMessage);
  return () => window.removeEventListener('message', onMessage);
}

/** Tells the frame something; the target origin keeps it from reaching anyone else. */
export function postToCardFrame(
  frame: HTMLIFrameElement,
  baseUrl: string,
  message:
    | { type: 'settle:card-submit' }
    | { type: 'settle:card-theme'; theme: 'light' | 'dark' }
    | { type: 'settle:card-saved' }
    | { type: 'settle:card-not-saved'; message: string; refused: boolean },
) {
  frame.contentWindow?.postMessage(message, new URL(baseUrl).origin);
}
