import type { SettleEvent } from '../types.js';

/** One chat message, as the chat app passes it to the assistant. */
export interface AssistantMessage {
  /** Unique within the conversation; suggestion ids derive from it. */
  id: string;
  text: string;
  /** The user id of the author, as the chat app knows it. */
  authorId: string;
}

/** The conversation a message belongs to. */
export interface AssistantConversation {
  id: string;
  /** Every member's user id, the user of this device included. */
  participants: string[];
  /** BCP 47 locale of the conversation, when known; otherwise the assistant's. */
  locale?: string;
}

/** What a provider gets with each message. */
export interface AnalyzeContext {
  conversation: AssistantConversation;
  /** The user of this device, who sees the suggestion. */
  userId: string;
  /** The conversation's locale, or the assistant's. */
  locale: string;
  /** Aborted when the assistant stops waiting (timeout): cancel network calls with it. */
  signal: AbortSignal;
}

/** What a provider proposes. */
export interface SuggestionInput<Data = unknown> {
  /** One of the provider's `kinds`: what "never for this kind" refers to. */
  kind: string;
  /** A short label for the chip, in the context's locale: "Send €20.00". */
  title: string;
  /**
   * What makes two suggestions the same: of equal kind and key for the same message, only
   * the first is kept, and one already shown in the conversation is not shown again.
   * Defaults to `title`.
   */
  key?: string;
  /** What the UI needs to act on it. */
  data?: Data;
}

/** A suggestion as the assistant hands it to the UI. */
export interface Suggestion<Data = unknown> extends SuggestionInput<Data> {
  /** Stable: the same message gives the same id on every device and every run. */
  id: string;
  key: string;
  providerId: string;
  conversationId: string;
  messageId: string;
}

/**
 * A source of suggestions. Local providers run on the device; a `remote` one sends the
 * message somewhere else, so it gets none until the user has said yes to it.
 */
export interface AssistantProvider {
  /** Letters, digits and `. _ : / -`, up to 100 characters: `weather`, `com.example.ride`. */
  id: string;
  /** Every kind of suggestion it may give, in the same form as `id`. */
  kinds: string[];
  /** True when `analyze` sends the message off the device. */
  remote?: boolean;
  /** For the consent question: who the provider is. */
  name?: string;
  /** For the consent question: what it does with the message. */
  description?: string;
  analyze(
    message: AssistantMessage,
    context: AnalyzeContext,
  ): SuggestionInput[] | Promise<SuggestionInput[]>;
  /**
   * Whether `event`, one of the user's live Settle events (a transfer or request made or
   * changed), settles `suggestion`, one this provider gave that is still shown: the UI then
   * withdraws it. Without it, no payment withdraws the provider's suggestions.
   */
  settles?(suggestion: Suggestion, event: SettleEvent): boolean;
}
