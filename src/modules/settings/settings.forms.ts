import { z } from 'zod'
import { formValues } from '../../lib/forms.js'
import { PAYMENT_METHODS } from '../payments/payment-methods.js'
import { isCountryCode } from './countries.js'
import { isListedCurrency, listedLanguageTag } from './locales.js'

const text = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `Keep ${label} to ${max.toLocaleString('en')} characters`)
    .default('')

const days = (label: string, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,2}$/, `${label} is a whole number of days`)
    .transform(Number)
    .refine((n) => n >= 1 && n <= max, `${label} is from 1 to ${max} days`)

/**
 * The owner's settings form: the shop, selling, payments, the home page and
 * search texts, and who email is from. Tax rates and shipping zones have
 * pages of their own.
 */
export const settingsInput = z
  .object({
    shopName: z
      .string({ error: 'Enter the shop’s name' })
      .trim()
      .min(1, 'Enter the shop’s name')
      .max(80, 'Keep the name to 80 characters'),
    tagline: text(160, 'the tagline'),
    contactEmail: text(254, 'the address').refine((v) => v === '' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), {
      message: 'Enter an email address like hello@example.com, or leave it empty',
    }),
    contactPhone: text(40, 'the phone number'),
    address: text(400, 'the address'),
    // Chosen from lists (locales.ts, countries.ts); a code typed into a hand-made form is checked against the same lists.
    currency: z
      .string({ error: 'Choose the shop’s currency from the list' })
      .trim()
      .toUpperCase()
      .refine(isListedCurrency, 'Choose the shop’s currency from the list'),
    locale: z
      .string({ error: 'Choose a language and region from the list' })
      .trim()
      .transform((v, ctx) => {
        const tag = listedLanguageTag(v)
        if (tag) return tag
        ctx.addIssue({ code: 'custom', message: 'Choose a language and region from the list' })
        return z.NEVER
      }),
    country: z
      .string({ error: 'Choose the shop’s country from the list' })
      .trim()
      .toUpperCase()
      .refine(isCountryCode, 'Choose the shop’s country from the list'),
    pricesIncludeTax: z.enum(['yes', 'no'], { error: 'Say whether prices include tax' }).transform((v) => v === 'yes'),
    paymentMethods: z
      .union([z.string(), z.array(z.string())])
      .default([])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .pipe(z.array(z.enum(PAYMENT_METHODS, { error: 'Choose from the ways to pay listed' })))
      .refine((v) => v.length > 0, 'Offer at least one way to pay')
      // Always in the shop's own order, whatever order the form sent.
      .transform((v) => PAYMENT_METHODS.filter((m) => v.includes(m))),
    bankDetails: text(500, 'the bank details'),
    bankTransferReminderDays: days('The reminder', 60),
    bankTransferCancelDays: days('The cancellation', 90),
    metaDescription: text(300, 'the description'),
    homeHeading: text(120, 'the heading'),
    homeIntro: text(2000, 'the introduction'),
    // One header line: a line break would let the name add headers of its own.
    mailFromName: text(80, 'the sender’s name').refine((v) => !/\p{Cc}/u.test(v), 'Keep the sender’s name on one line'),
    mailFromAddress: text(254, 'the address').refine(
      (v) => v === '' || /^[^\s@<>",]+@[^\s@<>",]+\.[^\s@<>",]+$/.test(v),
      {
        message: 'Enter the sender’s address like shop@example.com, or leave it empty',
      },
    ),
  })
  .superRefine((v, ctx) => {
    if (v.paymentMethods.includes('bank_transfer') && !v.bankDetails)
      ctx.addIssue({
        code: 'custom',
        path: ['bankDetails'],
        message: 'Give the bank details: customers who pay by transfer need them',
      })
    if (v.bankTransferCancelDays <= v.bankTransferReminderDays)
      ctx.addIssue({
        code: 'custom',
        path: ['bankTransferCancelDays'],
        message: 'Cancel after the reminder: more days than it',
      })
  })

export type SettingsFields = z.output<typeof settingsInput>

/** The form as it was sent, to show again: its texts as typed, and the ways to pay as the list of boxes ticked. */
export function sentSettings(body: unknown): Record<string, unknown> {
  const chosen =
    body !== null && typeof body === 'object' ? (body as Record<string, unknown>).paymentMethods : undefined
  // What a visitor sent stays with spread (lib/objects.ts).
  return { ...formValues(body), paymentMethods: Array.isArray(chosen) ? chosen : chosen ? [chosen] : [] }
}
