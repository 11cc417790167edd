import { z } from 'zod';
import { countries } from '../countries.js';

// Minor units and counts: whole, positive, and small enough to stay exact.
const amount = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const countryLimits = z.strictObject({
  perTransfer: amount.optional(),
  rolling30Days: amount.optional(),
  newAccount7Days: amount.optional(),
});

const LimitsSetting = z.partialRecord(
  z.enum(Object.keys(countries) as [keyof typeof countries]),
  countryLimits,
);

const RiskSetting = z.strictObject({
  velocityReview: amount.optional(),
  velocityBlock: amount.optional(),
  velocityWindowMs: amount.optional(),
  largeToNewRecipient: amount.optional(),
  knownRecipientAfterMs: amount.optional(),
});

/** Parses a JSON setting, or stops start-up saying which variable is wrong and where. */
function jsonSetting<T extends z.ZodType>(name: string, schema: T, value: string | undefined) {
  if (!value) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new Error(`${name} must be JSON (see docs/operations.md).`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `${name} is not valid (see docs/operations.md):\n${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data as z.infer<T>;
}

/**
 * `SETTLE_LIMITS`, per-country limits in minor units over the SPEC's defaults, e.g.
 * `{"FR":{"perTransfer":30000}}`, and `SETTLE_RISK`, anti-fraud thresholds over
 * `defaultRisk`, e.g. `{"velocityReview":5}`.
 */
export const antiFraudFromEnv = (env: Record<string, string | undefined>) => {
  const limits = jsonSetting('SETTLE_LIMITS', LimitsSetting, env.SETTLE_LIMITS);
  const risk = jsonSetting('SETTLE_RISK', RiskSetting, env.SETTLE_RISK);
  return { ...(limits ? { limits } : {}), ...(risk ? { risk } : {}) };
};
