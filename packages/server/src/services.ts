import type { Limits } from './countries.js';
import type { Vault } from './crypto/vault.js';
import type { EventHub } from './events/hub.js';
import type { Processor } from './processor/processor.js';
import type { RiskOptions } from './risk/rules.js';
import type { SmsSender } from './sms.js';
import type { Store } from './store/store.js';
import type { ScaExemption } from './transfers/create.js';

/** What the route handlers share, resolved once by `createApp`. */
export interface Services {
  store: Store;
  vault: Vault;
  processor: Processor;
  sms: SmsSender;
  /** Wakes live event streams of this process (GET /v1/events). */
  events: EventHub;
  hashSecret: string;
  now: () => number;
  log: (line: Record<string, unknown>) => void;
  risk: RiskOptions;
  limits: Limits;
  scaExemption: ScaExemption;
  /** Fault injection for crash tests: throws at a named point between steps. */
  faults?: ((point: string) => void | Promise<void>) | undefined;
}
