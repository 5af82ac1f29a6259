import { z } from 'zod'
import { email, requiredText } from '../../lib/validation.js'
import { PAYMENT_METHODS } from '../payments/payment-methods.js'

/** Postcode rules for the countries whose formats are common here; other countries take any short text. */
const POSTCODES: Record<string, { pattern: RegExp; example: string; required: boolean }> = {
  GB: { pattern: /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i, example: 'BS1 4DJ', required: true },
  US: { pattern: /^\d{5}(-\d{4})?$/, example: '94107', required: true },
  DE: { pattern: /^\d{5}$/, example: '10115', required: true },
  FR: { pattern: /^\d{5}$/, example: '75001', required: true },
  ES: { pattern: /^\d{5}$/, example: '28001', required: true },
  IT: { pattern: /^\d{5}$/, example: '00118', required: true },
  NL: { pattern: /^\d{4} ?[A-Z]{2}$/i, example: '1012 AB', required: true },
  BE: { pattern: /^\d{4}$/, example: '1000', required: true },
  AT: { pattern: /^\d{4}$/, example: '1010', required: true },
  DK: { pattern: /^\d{4}$/, example: '1050', required: true },
  SE: { pattern: /^\d{3} ?\d{2}$/, example: '111 22', required: true },
  PT: { pattern: /^\d{4}-\d{3}$/, example: '1000-001', required: true },
  // Eircodes exist but many addresses are found without one.
  IE: { pattern: /^[A-Z\d]{3} ?[A-Z\d]{4}$/i, example: 'D02 X285', required: false },
}

const optionalText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be ${max} characters or fewer`)
    .optional()
    .transform((v) => v ?? '')

const contact = {
  email: email(),
  name: requiredText('your full name', 100),
  phone: optionalText('The phone number', 40),
}

/** The checkout's first step for a shopper who collects the order: who is buying, and no address. */
export const checkoutContactInput = z.object(contact)

/** Delivered to an address, or collected from one of the shop's collection methods (by its id). */
export const receiveInput = z.object({
  receive: z
    .string()
    .optional()
    .transform((v): { collect: string } | { deliver: true } =>
      v?.startsWith('collect:') ? { collect: v.slice('collect:'.length) } : { deliver: true },
    ),
})

/**
 * The checkout's first step for a shopper who has the order delivered: who
 * is buying and where it goes. `countries` are those the shop delivers to.
 */
export function checkoutAddressInput(countries: readonly string[]) {
  return z
    .object({
      ...contact,
      country: z
        .string({ error: 'Choose a country' })
        .refine((c) => countries.includes(c), 'Choose a country we deliver to'),
      line1: requiredText('the first line of the address', 200),
      line2: optionalText('The second line of the address', 200),
      city: requiredText('the town or city', 100),
      postcode: optionalText('The postcode', 20),
    })
    .superRefine((value, ctx) => {
      const rule = POSTCODES[value.country]
      const postcode = value.postcode.trim()
      if (!postcode) {
        if (rule?.required) ctx.addIssue({ code: 'custom', path: ['postcode'], message: 'Enter the postcode' })
        return
      }
      if (rule && !rule.pattern.test(postcode)) {
        ctx.addIssue({ code: 'custom', path: ['postcode'], message: `Enter a real postcode, like ${rule.example}` })
      }
    })
    .transform((value) => ({ ...value, postcode: formatPostcode(value.country, value.postcode) }))
}

export type CheckoutAddress = z.output<ReturnType<typeof checkoutAddressInput>>

function formatPostcode(country: string, postcode: string): string {
  const compact = postcode.trim().toUpperCase().replace(/\s+/g, ' ')
  if (country === 'GB' && !compact.includes(' ')) return `${compact.slice(0, -3)} ${compact.slice(-3)}`
  return compact
}

export const deliveryInput = z.object({
  method: z
    .string({ error: 'Choose how you would like it delivered' })
    .min(1, 'Choose how you would like it delivered'),
})
export const paymentInput = z.object({
  payment: z.enum(PAYMENT_METHODS, { error: 'Choose how you would like to pay' }),
})
