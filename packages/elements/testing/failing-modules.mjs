// `executeServerCommand('fail-module', { path })`: the page's requests whose URL contains
// `path` (a chunk it has not loaded yet) fail as on a broken network, until the command is
// sent again with `path: null`. In the browser, not the server: the test server keeps what it
// served for other pages.
export function failingModulesCommand() {
  return {
    name: 'fail-module',
    async executeCommand({ command, payload, session }) {
      if (command !== 'fail-module') return undefined;
      const page = session.browser.getPage(session.id);
      const path = payload?.path ?? null;
      page.removeAllListeners('request');
      // Off the browser's cache too: pages of earlier test files may have loaded the chunk.
      await page.setCacheEnabled(path === null);
      await page.setRequestInterception(path !== null);
      if (path !== null) {
        page.on('request', (request) =>
          request.url().includes(path) ? request.abort('failed') : request.continue(),
        );
      }
      return true;
    },
  };
}
