import { describe, expect, it } from 'vitest';
import { cardFrameCsp, isAllowedOrigin } from './csp.js';

describe('cardFrameCsp', () => {
  it('allows only its own resources and the listed embedders', () => {
    expect(cardFrameCsp(['https://chat.example', 'http://localhost:*'])).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
        "img-src 'self'; form-action 'none'; base-uri 'none'; " +
        'frame-ancestors https://chat.example http://localhost:*',
    );
  });

  it("forbids every embedder with 'none' when no origin is allowed", () => {
    expect(cardFrameCsp([])).toMatch(/; frame-ancestors 'none'$/);
  });

  it('never allows inline script or style', () => {
    const csp = cardFrameCsp(['https://chat.example']);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
  });

  it.each([
    'https://chat.example/',
    'https://chat.example; script-src *',
    'https://a;b.example',
    'https://*.example.com',
    '*',
    "'self'",
    'chat.example',
    'https://chat.example:*:*',
    'javascript:alert(1)',
  ])('refuses to write %s into the header', (origin) => {
    expect(() => cardFrameCsp([origin])).toThrow(TypeError);
  });
});

describe('isAllowedOrigin', () => {
  const allowed = ['https://chat.example', 'http://localhost:*', 'http://[::1]:*'];

  it('accepts an exact origin', () => {
    expect(isAllowedOrigin('https://chat.example', allowed)).toBe(true);
  });

  it('accepts any port of a host listed with :*', () => {
    expect(isAllowedOrigin('http://localhost:5173', allowed)).toBe(true);
    expect(isAllowedOrigin('http://localhost', allowed)).toBe(true);
    expect(isAllowedOrigin('http://[::1]:3000', allowed)).toBe(true);
  });

  it('refuses another scheme, host or port', () => {
    expect(isAllowedOrigin('http://chat.example', allowed)).toBe(false);
    expect(isAllowedOrigin('https://chat.example:8443', allowed)).toBe(false);
    expect(isAllowedOrigin('https://evil.chat.example', allowed)).toBe(false);
    expect(isAllowedOrigin('https://chat.example.evil', allowed)).toBe(false);
    expect(isAllowedOrigin('https://localhost:5173', allowed)).toBe(false);
    expect(isAllowedOrigin('http://127.0.0.1:5173', allowed)).toBe(false);
  });

  it('refuses anything that is not a bare, canonical origin', () => {
    for (const origin of [
      'https://chat.example/',
      'https://chat.example/pay',
      'https://chat.example?x=1',
      'https://user@chat.example',
      'HTTPS://CHAT.EXAMPLE',
      'https://chat.example:443',
      'null',
      '',
      'http://localhost:*',
      'file:///etc/passwd',
    ]) {
      expect(isAllowedOrigin(origin, allowed)).toBe(false);
    }
  });

  it('ignores allowed entries that are not origins or port wildcards', () => {
    expect(isAllowedOrigin('https://chat.example', ['https://chat.example/'])).toBe(false);
    expect(isAllowedOrigin('https://a.example', ['https://*.example'])).toBe(false);
    expect(isAllowedOrigin('https://chat.example', ['*'])).toBe(false);
    expect(isAllowedOrigin('https://chat.example', [])).toBe(false);
  });
});
