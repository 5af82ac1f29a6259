import { z } from 'zod'
import { parseMoney } from '../../lib/money.js'

const optionalWhole = (label: string) =>
  z
    .string()
    .trim()
    .default('')
    .refine((v) => v === '' || (/^\d{1,7}$/.test(v) && Number(v) >= 1), `${label} must be a whole number of 1 or more`)
    .transform((v) => (v === '' ? null : Number(v)))

const optionalDate = (label: string) =>
  z
    .string()
    .trim()
    .default('')
    .refine((v) => v === '' || (/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`))), {
      message: `${label} must be a date like 2026-12-24`,
    })

/**
 * A discount code as staff enter it; the amounts are read in the shop's
 * currency. Dates are whole UTC days: a code starts at the start of its
 * first day and ends at the end of its last.
 */
export function discountInput(currency: string, categoryIds: number[]) {
  return z
    .object({
      code: z
        .string({ error: 'Enter the code' })
        .trim()
        .toUpperCase()
        .regex(/^[A-Z0-9][A-Z0-9_-]{2,39}$/, 'A code is 3 to 40 letters, digits, - or _'),
      kind: z.enum(['percentage', 'fixed', 'free_shipping'], { error: 'Choose what the code takes off' }),
      value: z.string().trim().default(''),
      category_id: z
        .string()
        .default('')
        .refine((v) => v === '' || categoryIds.includes(Number(v)), 'Choose a category from the list')
        .transform((v) => (v === '' ? null : Number(v))),
      minimum_subtotal: z
        .string()
        .trim()
        .default('')
        .refine((v) => v === '' || parseMoney(v, currency) !== null, 'Enter the minimum as an amount, like 30.00')
        .transform((v) => (v === '' ? null : parseMoney(v, currency))),
      starts: optionalDate('The first day'),
      ends: optionalDate('The last day'),
      usage_limit: optionalWhole('The total number of uses'),
      per_customer_limit: optionalWhole('The uses per customer'),
    })
    .superRefine((v, ctx) => {
      if (
        v.kind === 'percentage' &&
        !(/^\d{1,3}(\.\d{1,2})?$/.test(v.value) && Number(v.value) > 0 && Number(v.value) <= 100)
      )
        ctx.addIssue({ code: 'custom', path: ['value'], message: 'Enter a percentage from 1 to 100, like 10' })
      if (v.kind === 'fixed' && !(parseMoney(v.value, currency) ?? 0))
        ctx.addIssue({ code: 'custom', path: ['value'], message: 'Enter the amount to take off, like 5.00' })
      if (v.starts && v.ends && v.ends < v.starts)
        ctx.addIssue({ code: 'custom', path: ['ends'], message: 'The last day must not be before the first' })
    })
    .transform((v) => ({
      code: v.code,
      kind: v.kind,
      value:
        v.kind === 'percentage'
          ? Math.round(Number(v.value) * 100)
          : v.kind === 'fixed'
            ? (parseMoney(v.value, currency) as number)
            : 0,
      category_id: v.category_id,
      minimum_subtotal: v.minimum_subtotal,
      starts_at: v.starts ? `${v.starts}T00:00:00.000Z` : null,
      ends_at: v.ends ? new Date(Date.parse(`${v.ends}T00:00:00Z`) + 86_400_000 - 1).toISOString() : null,
      usage_limit: v.usage_limit,
      per_customer_limit: v.per_customer_limit,
    }))
}

export type DiscountFields = z.output<ReturnType<typeof discountInput>>
