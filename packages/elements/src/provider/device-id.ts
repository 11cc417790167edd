const KEY = 'settle.deviceId';
let thisPageOnly: string | undefined;

const randomId = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');

/**
 * This browser's id for the new-device rule (docs/transfers.md): random, kept in the page's
 * own storage so that it outlives reloads. Without it the server could not tell this browser
 * from a stranger's, and a user who confirmed a payment elsewhere would need the PIN for every
 * payment here. Where storage is blocked, one id per page load: the first payment after a
 * reload then asks the PIN again.
 */
export function browserDeviceId(): string {
  try {
    let id = localStorage.getItem(KEY);
    if (!id || !/^[\w-]{8,128}$/.test(id)) {
      id = randomId();
      localStorage.setItem(KEY, id);
    }
    return id;
  } catch {
    thisPageOnly ??= randomId();
    return thisPageOnly;
  }
}
