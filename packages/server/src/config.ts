import type { JSONWebKeySet } from 'jose';
import type { Country, CountryRules } from './countries.js';
import type { Processor } from './processor/processor.js';
import type { RiskOptions } from './risk/rules.js';
import type { SmsSender } from './sms.js';
import type { Store } from './store/store.js';
import type { ScaExemption } from './transfers/create.js';

/** The platform's webhook receiver. */
export interface WebhookTarget {
  url: string;
  /** Several secrets during a rotation: every message carries one signature per secret. */
  secret: string | readonly string[];
}

export interface SettleOptions {
  store: Store;
  platform: {
    /** The platform id: the `iss` of its user tokens. */
    id: string;
    /** Public keys of the platform's user tokens, inline or at a URL. */
    jwks?: JSONWebKeySet;
    jwksUrl?: string;
    /** Secret API keys (`sk_...`) of the platform's server, for admin calls. */
    secretKeys: string[];
  };
  /** Origins allowed to call the API from a browser (CORS) and to embed the card frame. */
  allowedOrigins: string[];
  /** AES-256-GCM keys for card numbers: id -> base64 of 32 bytes, and the one to seal with. */
  vault: { keys: Record<string, string>; activeKeyId: string };
  /** Secret for hashing SMS codes and fingerprinting cards. */
  hashSecret: string;
  /** The card network; the sandbox by default. */
  processor?: Processor;
  /** Latency added by the sandbox processor to each money movement, in ms. */
  sandboxLatencyMs?: number;
  /**
   * Card tokens (`POST /v1/card-tokens`, sent by the card frame without a credential) each
   * client address may create per minute: 20 by default. Card testing, trying stolen card
   * numbers in bulk, goes through such endpoints.
   */
  cardTokensPerMinute?: number;
  /**
   * Proxies in front of the server that append the client's address to `X-Forwarded-For`
   * (0 by default: the TCP peer is the client). Behind one without this, every client shares
   * the proxy's address, and so its card-token allowance.
   */
  trustedProxies?: number;
  /** Anti-fraud thresholds (SPEC: Anti-fraud); defaults in `defaultRisk`. */
  risk?: Partial<RiskOptions>;
  /** Per-country limits in minor units, over the SPEC's defaults (500 / 1,500 / 250). */
  limits?: Partial<Record<Country, Partial<CountryRules['limits']>>>;
  /**
   * The low-value SCA exemption (SPEC: 30 per payment, 100 and 5 payments since the last
   * PIN). Lower it to ask for the PIN more often; raise it only where regulation allows.
   */
  scaExemption?: Partial<ScaExemption>;
  /**
   * Called at named points between a transfer's steps (`before-charge`, `after-charge`,
   * `before-payout`, ...). For crash tests only: a throw there stops the transfer as a crash would.
   */
  faults?: (point: string) => void | Promise<void>;
  /** Where SMS go; the dev outbox by default. */
  sms?: SmsSender;
  /**
   * Where to POST events, signed per Standard Webhooks with `secret` (`whsec_` + base64 of
   * 24 to 64 random bytes), or with each of several secrets while one replaces another.
   * Sent by the worker of `createWebhookWorker` (docs/events.md).
   */
  webhooks?: WebhookTarget;
  /** Dev routes (`/dev/*`); never in production. */
  dev?: boolean;
  /** Injectable clock (ms since the epoch), for tests. */
  now?: () => number;
  /** One structured line per request and per notable event; never secrets. */
  log?: (line: Record<string, unknown>) => void;
}
