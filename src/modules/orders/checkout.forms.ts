import { z } from 'zod'
import { optionalIdText } from '../../lib/ids.js'
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

/** A field of a form as it was sent: its text, or nothing for a field left out or sent as anything else. */
const sent = z.string().optional().catch(undefined)

/**
 * The first step's form as sent: how the shopper gets the order, who they
 * are and, for a delivery, where to. Which countries and collections are
 * offered is the shop's setting, so the service checks the fields with the
 * schemas above (submitDetails); their messages are the form's.
 */
export const checkoutDetailsInput = z.object({
  receive: sent,
  email: sent,
  name: sent,
  phone: sent,
  country: sent,
  line1: sent,
  line2: sent,
  city: sent,
  postcode: sent,
})
export type CheckoutDetailsForm = z.output<typeof checkoutDetailsInput>

/** The first step's query: `?address=<id>` fills the form with one of a signed-in customer's saved addresses. */
export const checkoutQueryInput = z.object({ address: optionalIdText().catch('') })

export const deliveryInput = z.object({
  method: z
    .string({ error: 'Choose how you would like it delivered' })
    .min(1, 'Choose how you would like it delivered'),
})
export type DeliveryInput = z.output<typeof deliveryInput>

/** One of the ways of paying the shop knows; which go with this order is the service's to say (choosePayment). */
export const paymentInput = z.object({
  payment: z.enum(PAYMENT_METHODS, { error: 'Choose one of the ways to pay' }),
})
export type PaymentInput = z.output<typeof paymentInput>

/** A discount code as typed: trimmed, and no longer than a code can be. */
export const discountCodeText = (text: string | undefined) => (text ?? '').trim().slice(0, 40)

/** The review page's discount form: a code to apply, or the button that removes the one applied. */
export const discountCodeInput = z
  .object({
    code: sent.transform(discountCodeText),
    remove: z
      .unknown()
      .optional()
      .transform((value) => value !== undefined),
  })
  .refine((form) => form.remove || form.code, { message: 'Enter a discount code', path: ['code'] })
export type DiscountCodeInput = z.output<typeof discountCodeInput>

/** The review page's one-time token, sent with "Place order"; a missing one is an out-of-date page. */
export const placeOrderInput = z.object({ token: sent.transform((token) => token ?? '') })
