/** States a transfer or request never leaves. */
export const FINAL = new Set(['completed', 'failed', 'canceled', 'paid', 'declined']);

/**
 * Whether `next` is a later state of the same object than `current`. The event stream starts by
 * replaying past events, so an update may be older than what is shown; of two with the same
 * `updatedAt`, a final state wins over a passing one.
 */
export function isNewer(
  next: { updatedAt: string; status: string },
  current: { updatedAt: string; status: string } | undefined,
): boolean {
  if (!current) return true;
  const [a, b] = [Date.parse(next.updatedAt), Date.parse(current.updatedAt)];
  if (a !== b) return a > b;
  return FINAL.has(next.status) || !FINAL.has(current.status);
}
