import { z } from '@hono/zod-openapi';
import { countryCodes } from '../countries.js';
import { MoneySchema } from '../http/schemas.js';

export const AccountSchema = z
  .object({
    userId: z.string(),
    status: z.enum(['new', 'pending_verification', 'active', 'locked', 'frozen']),
    nextStep: z.enum(['profile', 'card', 'pin', 'verification', 'unlock']).nullable(),
    profile: z
      .object({
        legalName: z.string(),
        country: z.enum(countryCodes),
        phone: z.string().openapi({ description: 'Masked', example: '+33 •••••••78' }),
      })
      .nullable(),
    card: z
      .object({
        brand: z.string(),
        last4: z.string(),
        expMonth: z.number().int(),
        expYear: z.number().int(),
      })
      .nullable(),
    pinSet: z.boolean(),
    currency: z.string().nullable(),
    limits: z
      .object({
        perTransfer: MoneySchema,
        rolling30Days: MoneySchema,
        newAccount7Days: MoneySchema,
      })
      .nullable(),
  })
  .openapi('Account');

/** Letters (any script), combining marks, spaces, apostrophes, dots and hyphens. */
const LEGAL_NAME = /^[\p{L}\p{M}][\p{L}\p{M} '’.-]*$/u;

export const ProfileInput = z
  .strictObject({
    legalName: z
      .string()
      .trim()
      .min(2)
      .max(100)
      .regex(LEGAL_NAME, 'Letters, spaces, apostrophes, dots and hyphens')
      // zod-to-openapi would write the regex's flags into the pattern (`…$/u`): no name matches that.
      .openapi({ example: 'Alice Martin', pattern: LEGAL_NAME.source }),
    country: z.enum(countryCodes).openapi({ example: 'FR' }),
    phone: z.string().max(32).openapi({ example: '06 12 34 56 78' }),
  })
  .openapi('ProfileInput');

export const CardAttachInput = z
  .strictObject({
    token: z
      .string()
      .max(64)
      .openapi({ description: 'Single-use card token from the card frame', example: 'ctok_…' }),
  })
  .openapi('CardAttachInput');

const pin = z.string().regex(/^\d{4,6}$/, '4 to 6 digits');

export const PinInput = z
  .strictObject({
    pin: pin.openapi({ description: 'The new PIN: 4 to 6 digits, not trivial' }),
    currentPin: pin.optional().openapi({ description: 'Required to change the PIN once active' }),
  })
  .openapi('PinInput');

const code = z.string().regex(/^\d{6}$/, '6 digits');

export const CodeInput = z.strictObject({ code }).openapi('VerificationCodeInput');

export const UnlockInput = z
  .strictObject({ code, pin: pin.openapi({ description: 'The new PIN' }) })
  .openapi('UnlockInput');

export const VerificationSentSchema = z
  .object({
    phone: z.string().openapi({ description: 'Masked' }),
    expiresAt: z.string().openapi({ format: 'date-time' }),
    resendAvailableAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('VerificationSent');

export const CardTokenInput = z
  .strictObject({
    number: z.string().regex(/^\d{12,19}$/, '12 to 19 digits'),
    expMonth: z.number().int().min(1).max(12),
    expYear: z.number().int().min(2000).max(2100),
    cvc: z.string().regex(/^\d{3,4}$/, '3 or 4 digits'),
  })
  .openapi('CardTokenInput');

export const CardTokenSchema = z
  .object({
    token: z.string(),
    card: z.object({
      brand: z.string(),
      last4: z.string(),
      expMonth: z.number().int(),
      expYear: z.number().int(),
    }),
  })
  .openapi('CardToken');
