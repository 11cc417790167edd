// @web/test-runner-commands 0.10 points its `types` at a file it does not ship.
declare module '@web/test-runner-commands' {
  export function sendKeys(
    payload: { press: string } | { type: string } | { down: string } | { up: string },
  ): Promise<void>;
  export function emulateMedia(media: {
    colorScheme?: 'light' | 'dark';
    reducedMotion?: 'reduce' | 'no-preference';
  }): Promise<void>;
}
