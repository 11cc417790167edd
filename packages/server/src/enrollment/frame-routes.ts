import type { OpenAPIHono } from '@hono/zod-openapi';
import { cardFrameMain } from '../card-frame/client.js';
import { cardFrameCsp, isAllowedOrigin } from '../card-frame/csp.js';
import { renderCardFramePage } from '../card-frame/page.js';
import { cardFrameCss } from '../card-frame/styles.js';

// Served as a file so the frame runs under `script-src 'self'`: no inline script.
const script = `(${cardFrameMain.toString()})();\n`;

/**
 * The card frame: a page on Settle's own origin that the chat app embeds in an iframe, so
 * card numbers never touch the chat app's page (PCI SAQ A), like Stripe Elements.
 */
export function cardFrameRoutes(
  app: OpenAPIHono,
  { allowedOrigins }: { allowedOrigins: string[] },
) {
  app.get('/card-frame', (c) => {
    const origin = c.req.query('origin') ?? '';
    if (!isAllowedOrigin(origin, allowedOrigins)) {
      return c.text('This page may only be embedded by the configured chat app origins.', 403);
    }
    const lang = c.req.query('lang')?.toLowerCase().startsWith('fr') ? 'fr' : 'en';
    c.header('Content-Security-Policy', cardFrameCsp([origin]));
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.html(
      renderCardFramePage({
        parentOrigin: origin,
        lang,
        scriptSrc: '/card-frame.js',
        styleSrc: '/card-frame.css',
      }),
    );
  });
  app.get('/card-frame.js', (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.body(script);
  });
  app.get('/card-frame.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.body(cardFrameCss);
  });
}
