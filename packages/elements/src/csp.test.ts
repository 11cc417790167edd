import { expect } from '@open-wc/testing';
import { enroll, uid } from './testing/server.js';

interface Report {
  violations: string[];
  buttonRadius: string;
  heading: string;
}

describe('under a strict Content-Security-Policy', () => {
  it('renders and styles the elements with no inline script or style and no eval', async () => {
    const user = uid('csp');
    await enroll(user);
    const frame = document.createElement('iframe');
    const report = new Promise<Report>((resolve) => {
      window.addEventListener('message', function listen(event) {
        if (event.source !== frame.contentWindow || event.data?.type !== 'csp-report') return;
        window.removeEventListener('message', listen);
        resolve(event.data);
      });
    });
    frame.src = `/__settle/csp.html?user=${user}`;
    document.body.append(frame);
    try {
      const { violations, buttonRadius, heading } = await report;
      expect(violations).to.deep.equal([]);
      expect(buttonRadius).to.equal('999px');
      expect(heading).to.equal('Payments are set up');
    } finally {
      frame.remove();
    }
  });
});
