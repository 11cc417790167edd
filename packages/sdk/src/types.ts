// The SDK's public data types. They come from the server's OpenAPI document
// (generated/openapi.ts), so they cannot drift from what the server validates and answers.
import type { components, paths } from './generated/openapi.js';

type Schemas = components['schemas'];
type Query<Path extends keyof paths> = paths[Path] extends {
  get: { parameters: { query?: infer Q } };
}
  ? NonNullable<Q>
  : never;

/** The user's account: where they are in enrollment and what they may do. */
export type Account = Schemas['Account'];
export type AccountStatus = Account['status'];
/** The step the user has to take next, `null` once active. */
export type EnrollmentStep = NonNullable<Account['nextStep']>;
export type Country = Schemas['ProfileInput']['country'];
export type ProfileParams = Schemas['ProfileInput'];
export type CardAttachParams = Schemas['CardAttachInput'];
export type PinParams = Schemas['PinInput'];
export type VerificationCheckParams = Schemas['VerificationCodeInput'];
export type UnlockParams = Schemas['UnlockInput'];
/** An SMS code was sent: to which (masked) phone, until when it is valid, when to offer a resend. */
export type VerificationSent = Schemas['VerificationSent'];
/** What the card frame hands the page: a single-use token, brand, last 4 and expiry. */
export type CardToken = Schemas['CardToken'];

/** Strong customer authentication: the PIN, bound to one amount and payee. */
export type AuthorizationCreateParams = Schemas['AuthorizationInput'];
/** Pass `authorization` when creating the transfer it was made for, before `expiresAt`. */
export type Authorization = Schemas['Authorization'];

/** Money sent or received: `pending` → `completed` | `failed`, or `awaiting_recipient` → `canceled`. */
export type Transfer = Schemas['Transfer'];
export type TransferStatus = Transfer['status'];
export type TransferCreateParams = Schemas['TransferInput'];
export type TransferListParams = Query<'/v1/transfers'>;

/** A request for money from one payer (a group request has one per payer). */
export type MoneyRequest = Schemas['Request'];
export type MoneyRequestStatus = MoneyRequest['status'];
/** The requests made together, one per payer. */
export type MoneyRequestGroup = Schemas['RequestGroup'];
type RequestInput = Schemas['RequestInput'];
/** An amount per person (`payers`), or a total split evenly (`split`): exactly one of them. */
export type MoneyRequestCreateParams = Omit<RequestInput, 'payers' | 'split'> &
  (
    | { payers: NonNullable<RequestInput['payers']>; split?: never }
    | { split: NonNullable<RequestInput['split']>; payers?: never }
  );
export type MoneyRequestListParams = Query<'/v1/requests'>;

interface EventOf<Type extends string, Data> {
  /** `ev_…` */
  id: string;
  type: Type;
  createdAt: string;
  /** The whole object after the change. */
  data: Data;
}

/**
 * A live update, as `subscribe` delivers it and webhooks post it. The OpenAPI document
 * describes the stream as text, so this union is written here from its documented types.
 */
export type SettleEvent =
  | EventOf<'transfer.updated', Transfer>
  | EventOf<'request.updated', MoneyRequest>
  | EventOf<'account.updated', Account>;
