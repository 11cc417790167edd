import type { components, paths } from '../generated/openapi.js';
import type { IdempotentRequestOptions, RequestOptions, Transport } from '../http.js';
import { PageRequest } from '../pagination.js';
import type {
  MoneyRequest,
  MoneyRequestCreateParams,
  MoneyRequestGroup,
  MoneyRequestListParams,
  Transfer,
} from '../types.js';
import { createWithKey, withId } from './transfers.js';

const requests = '/v1/requests' satisfies keyof paths;
const one = '/v1/requests/{id}' satisfies keyof paths;
const decline = '/v1/requests/{id}/decline' satisfies keyof paths;
const cancel = '/v1/requests/{id}/cancel' satisfies keyof paths;

export interface MoneyRequestPayParams {
  /** From `authorizations.create`, when strong customer authentication applies. */
  authorization?: string;
  note?: string;
}

/** Asking people in a conversation for money, and answering such requests. */
export const requestsResource = (request: Transport) => {
  const get = (id: string, options?: RequestOptions) =>
    request<MoneyRequest>({ method: 'GET', path: withId(one, id) }, options);

  return {
    /**
     * Asks one or more people for money: an amount per payer, or a total split evenly.
     * One request is made per payer. Retried safely, like `transfers.create`.
     *
     * @example
     * const { groupId, data } = await settle.requests.create({
     *   conversationId: 'c_42',
     *   split: { total: { value: 6000, currency: 'EUR' }, among: ['bob', 'carol'], includeSelf: true },
     * });
     */
    create: (params: MoneyRequestCreateParams, options?: IdempotentRequestOptions) =>
      createWithKey<MoneyRequestGroup>(request, requests, params, options),

    /**
     * One request the user made or was asked to pay.
     *
     * @example
     * const { status, transferId } = await settle.requests.get('rq_123');
     */
    get,

    /**
     * Requests the user made or was asked to pay, newest first; narrowed by conversation
     * or group.
     *
     * @example
     * for await (const request of settle.requests.list({ groupId: 'rg_1' })) show(request);
     */
    list: (params: MoneyRequestListParams = {}, options?: RequestOptions) =>
      new PageRequest<MoneyRequest>((cursor) =>
        request<components['schemas']['RequestPage']>(
          { method: 'GET', path: requests, query: { ...params, ...cursor } },
          options,
        ),
      ),

    /**
     * Declines a request asked of the user.
     *
     * @example
     * await settle.requests.decline('rq_123');
     */
    decline: (id: string, options?: RequestOptions) =>
      request<MoneyRequest>({ method: 'POST', path: withId(decline, id) }, options),

    /**
     * Withdraws a request the user made, while it is open.
     *
     * @example
     * await settle.requests.cancel('rq_123');
     */
    cancel: (id: string, options?: RequestOptions) =>
      request<MoneyRequest>({ method: 'POST', path: withId(cancel, id) }, options),

    /**
     * Pays a request asked of the user: a transfer of the requested amount to the
     * requester, linked to the request. Takes the request, or its id (then fetched first).
     *
     * @example
     * const transfer = await settle.requests.pay('rq_123', { authorization });
     */
    pay: async (
      moneyRequest: MoneyRequest | string,
      params: MoneyRequestPayParams = {},
      options?: IdempotentRequestOptions,
    ) => {
      const { id, requesterId, amount, conversationId, note } =
        typeof moneyRequest === 'string' ? await get(moneyRequest, options) : moneyRequest;
      return createWithKey<Transfer>(
        request,
        '/v1/transfers',
        {
          recipientId: requesterId,
          amount,
          requestId: id,
          // The payment reads as what it pays ("Taxi"), in both parties' histories.
          ...(conversationId ? { conversationId } : {}),
          ...(note ? { note } : {}),
          ...params,
        },
        options,
      );
    },
  };
};
