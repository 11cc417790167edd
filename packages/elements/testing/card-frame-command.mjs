// `executeServerCommand('fill-card-frame', { number, expiry, cvc })`: types a card into the
// card frame the way a person does, clicking each field first. Tab order from the page's
// focus proved unreliable across a full run (digits landed in the wrong field now and then),
// and the page's own script cannot reach the frame: it is on Settle's origin.
export function cardFrameCommand() {
  return {
    name: 'fill-card-frame',
    async executeCommand({ command, payload, session }) {
      if (command !== 'fill-card-frame') return undefined;
      const page = session.browser.getPage(session.id);
      // The newest frame: an element of an earlier test may still be going away.
      const frame = page
        .frames()
        .filter((f) => new URL(f.url()).pathname === '/card-frame')
        .at(-1);
      if (!frame) throw new Error('No card frame on the page.');
      for (const field of ['number', 'expiry', 'cvc']) {
        const input = await frame.waitForSelector(`#card-${field}`, { visible: true });
        await input.click();
        await input.type(payload[field]);
      }
      const cvc = await frame.$('#card-cvc');
      await cvc.press('Enter');
      return true;
    },
  };
}
