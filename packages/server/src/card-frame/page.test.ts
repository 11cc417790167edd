import { describe, expect, it } from 'vitest';
import { renderCardFramePage } from './page.js';

const base = {
  parentOrigin: 'https://chat.example',
  scriptSrc: '/card-frame.js',
  styleSrc: '/card-frame.css',
} as const;

describe('renderCardFramePage', () => {
  it('renders a complete HTML document in the requested language', () => {
    const html = renderCardFramePage({ ...base, lang: 'en' });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<html lang="en" data-parent-origin="https://chat.example">');
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<title>Card details</title>');
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('loads its script as a module and its stylesheet from the given URLs', () => {
    const html = renderCardFramePage({ ...base, lang: 'en' });
    expect(html).toContain('<script type="module" src="/card-frame.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/card-frame.css">');
  });

  it.each(['en', 'fr'] as const)('has no inline script or style in %s', (lang) => {
    const html = renderCardFramePage({ ...base, lang });
    // Every <script> has a src and no content; no <style> element, no style= attribute,
    // no on*= event handler attribute and no javascript: URL.
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts).toHaveLength(1);
    for (const [, attributes, content] of scripts) {
      expect(attributes).toMatch(/\ssrc="/);
      expect(content).toBe('');
    }
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/\sstyle\s*=/i);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/javascript:/i);
  });

  it('labels every field in English', () => {
    const html = renderCardFramePage({ ...base, lang: 'en' });
    expect(html).toContain('<label for="card-number">Card number</label>');
    expect(html).toContain('<label for="card-expiry">Expiry date (MM/YY)</label>');
    expect(html).toContain('<label for="card-cvc">Security code (CVC)</label>');
    expect(html).toContain('<button id="card-submit" type="submit">Save card</button>');
    expect(html).toContain(
      'data-msg-number="Check the card number: it is incomplete or mistyped."',
    );
  });

  it('labels every field in French', () => {
    const html = renderCardFramePage({ ...base, lang: 'fr' });
    expect(html).toContain('<html lang="fr"');
    expect(html).toContain('<label for="card-number">Numéro de carte</label>');
    expect(html).toContain('<label for="card-expiry">Date d’expiration (MM/AA)</label>');
    expect(html).toContain('<label for="card-cvc">Cryptogramme visuel (CVC)</label>');
    expect(html).toContain('>Enregistrer la carte</button>');
    expect(html).toContain('data-msg-expired="Cette carte a expiré."');
    expect(html).toContain('placeholder="MM/AA"');
  });

  it('gives each input an id matching its label and the autofill hints for cards', () => {
    const html = renderCardFramePage({ ...base, lang: 'en' });
    const input = (id: string) => html.match(new RegExp(`<input id="${id}"[^>]*>`))?.[0] ?? '';
    expect(input('card-number')).toContain('inputmode="numeric"');
    expect(input('card-number')).toContain('autocomplete="cc-number"');
    expect(input('card-expiry')).toContain('autocomplete="cc-exp"');
    expect(input('card-cvc')).toContain('autocomplete="cc-csc"');
  });

  it('names no input, so a native form submission would carry no card data', () => {
    const html = renderCardFramePage({ ...base, lang: 'en' });
    expect(html).not.toMatch(/<input[^>]*\sname=/);
  });

  it('has an empty alert region the fields refer to', () => {
    const html = renderCardFramePage({ ...base, lang: 'en' });
    expect(html).toContain('<p id="card-error" class="error" role="alert"></p>');
    expect(html.match(/aria-describedby="card-error"/g)).toHaveLength(3);
  });

  it('escapes a hostile parent origin so it cannot leave its attribute', () => {
    const hostile = `"><script>alert(1)</script><x y='`;
    const html = renderCardFramePage({ ...base, parentOrigin: hostile, lang: 'en' });
    expect(html).toContain(
      'data-parent-origin="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;x y=&#39;"',
    );
    expect(html).not.toContain('<script>alert(1)');
    expect(html.match(/<script\b/g)).toHaveLength(1);
  });

  it('escapes the script and stylesheet URLs too', () => {
    const html = renderCardFramePage({
      ...base,
      lang: 'en',
      scriptSrc: '/a.js?x="><img src=x>',
      styleSrc: "/b.css?'&",
    });
    expect(html).toContain('src="/a.js?x=&quot;&gt;&lt;img src=x&gt;"');
    expect(html).toContain('href="/b.css?&#39;&amp;"');
    expect(html).not.toContain('<img');
  });
});
