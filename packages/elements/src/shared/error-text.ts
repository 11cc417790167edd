import { msg } from '@lit/localize';
import { RateLimitError, SettleApiError, SettleConnectionError } from '@settle/sdk';

/** What went wrong, in the user's language, for the API's error codes a person can act on. */
export function errorText(error: unknown): string {
  if (error instanceof SettleConnectionError) {
    return msg('Settle could not be reached. Check your connection and try again.');
  }
  if (!(error instanceof SettleApiError)) return msg('Something went wrong. Please try again.');
  const known = codeText(error.code);
  if (known) return known;
  // The field's rules, not the server's English: a note that broke one (a line break or a
  // card number pasted in) is what a person can fix.
  if (error.status === 400 && error.param === 'note') {
    return msg('Keep the note to one line, without a card number.');
  }
  if (error instanceof RateLimitError) return msg('Too many attempts. Wait a moment.');
  return error.status >= 500
    ? msg('Something went wrong on our side. Please try again.')
    : error.message;
}

/** Why a transfer failed (`failureReason`), in the user's language. */
export const failureText = (reason: string | null) =>
  codeText(reason ?? '') ?? msg('The payment failed.');

function codeText(code: string): string | undefined {
  switch (code) {
    case 'authentication_failed':
      return msg('That PIN is not right. Try again.');
    case 'account_locked':
      return msg('Too many wrong PINs: your account is locked. Verify by SMS to unlock it.');
    case 'account_frozen':
      return msg('Your account is on hold. Contact support.');
    case 'unauthenticated':
      return msg('Your session has ended. Sign in again.');
    case 'limit_exceeded':
      return msg('This is over your sending limit.');
    case 'risk_blocked':
      return msg('This payment was blocked for your security.');
    case 'insufficient_funds':
      return msg('Your card has insufficient funds.');
    case 'card_declined':
      return msg('Your card was declined.');
    case 'recipient_not_domestic':
    case 'payer_not_domestic':
    case 'currency_mismatch':
      return msg('Payments only work between accounts in the same country.');
    case 'recipient_invalid':
      return msg('You cannot pay yourself.');
    case 'recipient_unavailable':
      return msg('This person cannot receive money.');
    case 'request_not_open':
      return msg('This request is no longer open.');
    case 'transfer_not_cancelable':
      return msg('This payment can no longer be canceled.');
    case 'phone_invalid':
      return msg('Enter a valid mobile number.');
    case 'phone_not_mobile':
      return msg('This is not a mobile number: SMS cannot reach it.');
    case 'card_country_mismatch':
      return msg('Use a debit card issued in the country of your profile.');
    case 'card_not_debit':
      return msg('Use a debit card: credit cards are not accepted.');
    case 'expired_card':
    case 'card_expired':
      return msg('This card has expired.');
    case 'card_unsupported':
      return msg('This card is not supported.');
    case 'too_many_card_attempts':
      return msg('Too many cards tried today. Try again tomorrow.');
    case 'pin_too_simple':
      return msg('This PIN is too easy to guess. Avoid repeats and sequences.');
    case 'pin_unchanged':
      return msg('Choose a PIN different from your last one.');
    case 'pin_check_in_progress':
      return msg('Your PIN is still being checked. Try again in a moment.');
    case 'account_changed':
      return msg('Your account changed meanwhile. Check it and try again.');
    case 'code_incorrect':
      return msg('That code is not right. Check the SMS and try again.');
    case 'code_expired':
      return msg('This code has expired or was tried too often. Send a new one.');
    case 'too_many_codes':
      return msg('This code has expired. Send a new one.');
    case 'resend_too_soon':
      return msg('Wait a moment before asking for a new code.');
    case 'payout_failed':
      return msg('The money could not reach the recipient; you were refunded.');
    default:
      return undefined;
  }
}
