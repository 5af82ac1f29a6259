import { z } from 'zod'

/** A stock adjustment: units in (+) or out (−), and why. */
export const stockAdjustmentInput = z.object({
  change: z
    .string({ error: 'Enter how many to add or take away' })
    .trim()
    .regex(/^[+-−]?\d{1,6}$/, 'Enter a whole number to add, like 12, or to take away, like -3')
    .transform((v) => Number(v.replace('−', '-')))
    .refine((n) => n !== 0, 'Enter a number other than 0'),
  note: z
    .string({ error: 'Say why the stock changes' })
    .trim()
    .min(3, 'Say why the stock changes, like “delivery from the kiln” or “broken in the shop”')
    .max(200, 'Keep the reason to 200 characters'),
})
