import type { Account, MoneyRequest, Transfer } from '@settle/sdk';
import type { Suggestion } from '@settle/sdk/assistant';
import type { AuthorizedDetail } from './pin-prompt/pin-prompt.component.js';

/** The `detail` of each DOM event the Settle elements fire, by event name. */
export interface SettleEventDetails {
  'settle-account': { account: Account };
  'settle-error': { error: unknown };
  'settle-transfer': { transfer: Transfer };
  'settle-request': { groupId: string; requests: MoneyRequest[] };
  'settle-change': { transfer: Transfer } | { requests: MoneyRequest[] };
  'settle-enrollment-required': Record<string, never>;
  'settle-enrollment-step': { step: string; account: Account };
  'settle-enrolled': { account: Account };
  'settle-card-error': { code: string };
  'settle-authorized': AuthorizedDetail;
  'settle-cancel': Record<string, never>;
  'settle-locked': Record<string, never>;
  'settle-suggestion': { suggestion: Suggestion };
  'settle-select': { transfer: Transfer };
}

type SettleEventMap = { [K in keyof SettleEventDetails]: CustomEvent<SettleEventDetails[K]> };

// `el.addEventListener('settle-transfer', (e) => e.detail.transfer)` is typed in apps.
declare global {
  interface HTMLElementEventMap extends SettleEventMap {}
}
