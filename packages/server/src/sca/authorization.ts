import { createHmac, randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { Services } from '../services.js';
import type { Sql } from '../store/store.js';

/** An authorization lives long enough to confirm one payment, not to be kept. */
export const AUTHORIZATION_TTL_S = 300;
const ISSUER = 'settle:sca';

/** What an authorization is bound to (PSD2 dynamic linking). */
export interface Binding {
  userId: string;
  payeeId: string;
  amount: number;
  currency: string;
  /** The hash of the PIN it was made with: a new PIN (a change, an unlock) voids it. */
  pinHash: string;
}

const keyOf = (services: Services) =>
  createHmac('sha256', services.hashSecret).update('settle sca authorizations').digest();

/** Names the PIN in the token without revealing anything about it. */
const pinTag = (services: Services, pinHash: string) =>
  createHmac('sha256', services.hashSecret)
    .update('settle sca pin\n')
    .update(pinHash)
    .digest('base64url');

/** Signs a short-lived authorization for exactly this payment. */
export async function signAuthorization(services: Services, b: Binding) {
  const now = Math.floor(services.now() / 1000);
  const token = await new SignJWT({
    payee: b.payeeId,
    amt: b.amount,
    cur: b.currency,
    pin: pinTag(services, b.pinHash),
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setSubject(b.userId)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + AUTHORIZATION_TTL_S)
    .sign(keyOf(services));
  return {
    authorization: token,
    expiresAt: new Date((now + AUTHORIZATION_TTL_S) * 1000).toISOString(),
  };
}

/**
 * True when `token` authorizes exactly this payment and was not used before; it is spent in
 * the caller's transaction, so it stays unused if the transfer is not created.
 */
export async function spendAuthorization(
  tx: Sql,
  services: Services,
  token: string,
  b: Binding,
): Promise<boolean> {
  try {
    const { payload } = await jwtVerify(token, keyOf(services), {
      algorithms: ['HS256'],
      issuer: ISSUER,
      subject: b.userId,
      currentDate: new Date(services.now()),
    });
    if (
      payload.payee !== b.payeeId ||
      payload.amt !== b.amount ||
      payload.cur !== b.currency ||
      // Made with a PIN the account no longer has: after "secure my account" or a lockout, the
      // unlock sets a new PIN, and what the old one confirmed may be in someone else's hands.
      payload.pin !== pinTag(services, b.pinHash)
    ) {
      return false;
    }
    const spent = await tx.run(
      'INSERT INTO sca_used (jti, expires_at) VALUES (?, ?) ON CONFLICT (jti) DO NOTHING',
      [String(payload.jti), Number(payload.exp) * 1000],
    );
    return spent.changes === 1;
  } catch {
    return false;
  }
}
