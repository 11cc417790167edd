import { expect } from '@open-wc/testing';
import { InvalidRequestError, RateLimitError, ServerError } from '@settle/sdk';
import { errorText } from './error-text.js';

const error = <T>(
  Kind: new (status: number, body: never, headers: Headers) => T,
  status: number,
  code: string,
  retryAfter: string,
  param?: string,
) =>
  new Kind(
    status,
    {
      type: status === 429 ? 'rate_limit_error' : 'api_error',
      code,
      message: 'from the server',
      ...(param ? { param } : {}),
    } as never,
    new Headers({ 'Retry-After': retryAfter }),
  );

describe('errorText', () => {
  it('tells a person blocked from trying cards for a day to come back tomorrow', () => {
    const text = errorText(error(RateLimitError, 429, 'too_many_card_attempts', '86400'));
    expect(text).to.equal('Too many cards tried today. Try again tomorrow.');
  });

  it('says what a note may hold when the server refused it, in the page language', () => {
    expect(errorText(error(InvalidRequestError, 400, 'parameter_invalid', '0', 'note'))).to.equal(
      'Keep the note to one line, without a card number.',
    );
    expect(errorText(error(InvalidRequestError, 400, 'parameter_invalid', '0', 'amount'))).to.equal(
      'from the server',
    );
  });

  it('tells a person trying to pay themselves just that, not that someone cannot be paid', () => {
    expect(errorText(error(InvalidRequestError, 400, 'recipient_invalid', '0'))).to.equal(
      'You cannot pay yourself.',
    );
  });

  it('asks for another PIN when unlocking with the one the account had', () => {
    expect(errorText(error(InvalidRequestError, 422, 'pin_unchanged', '0'))).to.equal(
      'Choose a PIN different from your last one.',
    );
  });

  it('names the codes added for races and domestic requests, rather than echo the server', () => {
    expect(errorText(error(RateLimitError, 429, 'pin_check_in_progress', '1'))).to.equal(
      'Your PIN is still being checked. Try again in a moment.',
    );
    expect(errorText(error(InvalidRequestError, 409, 'account_changed', '0'))).to.equal(
      'Your account changed meanwhile. Check it and try again.',
    );
    expect(errorText(error(InvalidRequestError, 422, 'payer_not_domestic', '0'))).to.equal(
      'Payments only work between accounts in the same country.',
    );
  });

  it('asks to wait a moment for other rate limits, and to retry when the network is down', () => {
    expect(errorText(error(RateLimitError, 429, 'too_many_attempts', '3'))).to.equal(
      'Too many attempts. Wait a moment.',
    );
    expect(errorText(error(ServerError, 503, 'card_network_unavailable', '30'))).to.equal(
      'Something went wrong on our side. Please try again.',
    );
  });
});
