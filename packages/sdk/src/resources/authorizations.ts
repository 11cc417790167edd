import type { paths } from '../generated/openapi.js';
import type { RequestOptions, Transport } from '../http.js';
import type { Authorization, AuthorizationCreateParams } from '../types.js';

/** Strong customer authentication (PSD2): the PIN, bound to one amount and payee. */
export const authorizationsResource = (request: Transport) => ({
  /**
   * Turns the PIN into a short-lived authorization for one transfer. Never retried: a wrong
   * PIN counts towards the lock.
   *
   * @example
   * const { authorization } = await settle.authorizations.create({ pin, amount, payeeId: 'bob' });
   * await settle.transfers.create({ recipientId: 'bob', amount, authorization });
   */
  create: (params: AuthorizationCreateParams, options?: RequestOptions) =>
    request<Authorization>(
      { method: 'POST', path: '/v1/authorizations' satisfies keyof paths, body: params },
      options,
    ),
});
