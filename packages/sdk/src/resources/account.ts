import type { paths } from '../generated/openapi.js';
import type { RequestOptions, Transport } from '../http.js';
import type {
  Account,
  CardAttachParams,
  PinParams,
  ProfileParams,
  UnlockParams,
  VerificationCheckParams,
  VerificationSent,
} from '../types.js';

// `satisfies` makes a path the server does not serve a type error, at no runtime cost.
const account = '/v1/account' satisfies keyof paths;

/** The current user's account and its enrollment steps (profile, card, PIN, SMS code). */
export const accountResource = (request: Transport) => ({
  /**
   * The account: its `status` and the `nextStep` the user has to take.
   *
   * @example
   * const { status, nextStep } = await settle.account.get();
   */
  get: (options?: RequestOptions) => request<Account>({ method: 'GET', path: account }, options),

  /**
   * Step 1: legal name, country and a mobile number of that country.
   *
   * @example
   * await settle.account.setProfile({ legalName: 'Alice Martin', country: 'FR', phone: '06 12 34 56 78' });
   */
  setProfile: (params: ProfileParams, options?: RequestOptions) =>
    request<Account>(
      { method: 'PUT', path: '/v1/account/profile' satisfies keyof paths, body: params },
      options,
    ),

  /**
   * Step 2: attach the single-use card token made by the card frame (card numbers never
   * reach the page).
   *
   * @example
   * await settle.account.attachCard({ token: 'ctok_…' });
   */
  attachCard: (params: CardAttachParams, options?: RequestOptions) =>
    request<Account>(
      { method: 'POST', path: '/v1/account/card' satisfies keyof paths, body: params },
      options,
    ),

  /**
   * Step 3: choose the PIN (this sends the SMS code), or change it with `currentPin` once
   * active.
   *
   * @example
   * await settle.account.setPin({ pin: '914273' });
   */
  setPin: (params: PinParams, options?: RequestOptions) =>
    request<Account>(
      { method: 'PUT', path: '/v1/account/pin' satisfies keyof paths, body: params },
      options,
    ),

  /**
   * Sends a new SMS code (after the first, which setting the PIN sends).
   *
   * @example
   * const { phone, resendAvailableAt } = await settle.account.sendVerification();
   */
  sendVerification: (options?: RequestOptions) =>
    request<VerificationSent>(
      { method: 'POST', path: '/v1/account/verification' satisfies keyof paths },
      options,
    ),

  /**
   * Step 4: the SMS code activates payments.
   *
   * @example
   * const account = await settle.account.verify({ code: '123456' }); // status: 'active'
   */
  verify: (params: VerificationCheckParams, options?: RequestOptions) =>
    request<Account>(
      {
        method: 'POST',
        path: '/v1/account/verification/check' satisfies keyof paths,
        body: params,
      },
      options,
    ),

  /**
   * Unlocks a locked account with an SMS code and a new PIN.
   *
   * @example
   * await settle.account.sendVerification();
   * await settle.account.unlock({ code: '123456', pin: '583920' });
   */
  unlock: (params: UnlockParams, options?: RequestOptions) =>
    request<Account>(
      { method: 'POST', path: '/v1/account/unlock' satisfies keyof paths, body: params },
      options,
    ),

  /**
   * "Secure my account": locks it and revokes earlier tokens; the user re-verifies by SMS
   * and chooses a new PIN (`unlock`).
   *
   * @example
   * await settle.account.secure();
   */
  secure: (options?: RequestOptions) =>
    request<Account>({ method: 'POST', path: '/v1/account/secure' satisfies keyof paths }, options),
});
