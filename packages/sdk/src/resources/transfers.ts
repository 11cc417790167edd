import type { components, paths } from '../generated/openapi.js';
import type { IdempotentRequestOptions, RequestOptions, Transport } from '../http.js';
import { PageRequest } from '../pagination.js';
import type { Transfer, TransferCreateParams, TransferListParams } from '../types.js';

// `satisfies` makes a path the server does not serve a type error, at no runtime cost.
const transfers = '/v1/transfers' satisfies keyof paths;
const one = '/v1/transfers/{id}' satisfies keyof paths;
const cancel = '/v1/transfers/{id}/cancel' satisfies keyof paths;

/** `/v1/x/{id}` with the id filled in. */
export const withId = (path: string, id: string) => path.replace('{id}', encodeURIComponent(id));

/** Sends `body` with an idempotency key: the caller's, or a new one shared by all retries. */
export const createWithKey = <T>(
  request: Transport,
  path: string,
  body: unknown,
  { idempotencyKey = crypto.randomUUID(), ...options }: IdempotentRequestOptions = {},
) => request<T>({ method: 'POST', path, body, idempotencyKey }, options);

/** Money sent and received. */
export const transfersResource = (request: Transport) => ({
  /**
   * Sends money. Retried safely on network errors and 5xx: every attempt carries the same
   * `Idempotency-Key`, so the server pays once. A `403 authentication_required` asks for
   * an `authorization` (see `authorizations.create`).
   *
   * @example
   * const transfer = await settle.transfers.create({
   *   recipientId: 'bob',
   *   amount: { value: 2050, currency: 'EUR' },
   *   conversationId: 'c_42',
   * });
   */
  create: (params: TransferCreateParams, options?: IdempotentRequestOptions) =>
    createWithKey<Transfer>(request, transfers, params, options),

  /**
   * One transfer the user sent or received.
   *
   * @example
   * const { status, availableAt } = await settle.transfers.get('tr_123');
   */
  get: (id: string, options?: RequestOptions) =>
    request<Transfer>({ method: 'GET', path: withId(one, id) }, options),

  /**
   * The user's transfers, newest first; `conversationId` narrows them to one conversation.
   *
   * @example
   * for await (const transfer of settle.transfers.list({ conversationId: 'c_42' })) show(transfer);
   */
  list: (params: TransferListParams = {}, options?: RequestOptions) =>
    new PageRequest<Transfer>((cursor) =>
      request<components['schemas']['TransferPage']>(
        { method: 'GET', path: transfers, query: { ...params, ...cursor } },
        options,
      ),
    ),

  /**
   * Cancels a transfer that still awaits its recipient; the money goes back to the sender.
   *
   * @example
   * await settle.transfers.cancel('tr_123');
   */
  cancel: (id: string, options?: RequestOptions) =>
    request<Transfer>({ method: 'POST', path: withId(cancel, id) }, options),
});
