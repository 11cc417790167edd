import { createContext } from '@lit/context';
import type { Account, Settle, SettleEvent } from '@settle/sdk';
import type { Assistant } from '@settle/sdk/assistant';

/**
 * What `<settle-provider>` shares with every Settle element inside it: one SDK client, the
 * user's account, one live event stream, the language and how to name people.
 */
export interface SettleSession {
  client: Settle;
  /** The Settle server, e.g. `https://settle.chat.example` (the card frame comes from there). */
  baseUrl: string;
  /** The user's account; undefined while it loads or when loading failed (`accountError`). */
  account: Account | undefined;
  accountError: unknown;
  /** Loads the account again (after an error, or when something changed it). */
  reloadAccount(): Promise<void>;
  /** Replaces the shared account with one a call just answered. */
  setAccount(account: Account): void;
  /** BCP 47 language of the page or provider, for `Intl` (`fr-FR`, `en`). */
  locale: string;
  /** Light or dark, when the provider forces one. */
  theme: 'light' | 'dark' | undefined;
  /** A person's name as the chat app shows it. */
  displayName(userId: string): string;
  /** Live updates of the user's transfers, requests and account; returns the unsubscribe. */
  onEvent(listener: (event: SettleEvent) => void): () => void;
  /**
   * How many times the live event stream connected: when it grows, Settle is reachable again,
   * and elements load again what they could not.
   */
  streamOpens: number;
  /** The on-device assistant whose suggestions `<settle-suggestions>` shows. */
  assistant: Assistant | undefined;
}

// A string key, so elements from two copies of the library (bundle and npm) still connect.
export const settleContext = createContext<SettleSession | undefined>('settle-session');
