import { z } from 'zod'

/** A staff note on an order. */
export const orderNoteInput = z.object({
  note: z
    .string({ error: 'Write the note' })
    .trim()
    .min(1, 'Write the note')
    .max(2000, 'Keep the note to 2,000 characters'),
})

/** Why staff cancel an order: sent to the customer. */
export const cancellationInput = z.object({
  reason: z
    .string({ error: 'Say why the order is cancelled' })
    .trim()
    .min(3, 'Say why the order is cancelled: the customer is told')
    .max(500, 'Keep the reason to 500 characters'),
})

/** The parcel's carrier and tracking number: both, or neither (collection, a hand delivery). */
export const fulfilmentInput = z
  .object({
    carrier: z.string().trim().max(100, 'Keep the carrier to 100 characters').default(''),
    tracking: z.string().trim().max(100, 'Keep the tracking number to 100 characters').default(''),
  })
  .refine((v) => !v.tracking || v.carrier, {
    message: 'Say which carrier the tracking number is with',
    path: ['carrier'],
  })

/**
 * How many of each line go in the parcel, from fields named line-<id>: a
 * whole number from 0 to what is left to send of that line.
 */
export function lineQuantities(
  body: unknown,
  lines: { id: number; title: string; left: number }[],
): { ok: true; quantities: Map<number, number> } | { ok: false; errors: Record<string, string> } {
  const fields = (body ?? {}) as Record<string, unknown>
  const quantities = new Map<number, number>()
  const errors: Record<string, string> = {}
  for (const line of lines) {
    const raw = fields[`line-${line.id}`]
    const text = typeof raw === 'string' ? raw.trim() : ''
    if (text === '' || text === '0') continue
    if (!/^\d{1,4}$/.test(text))
      errors[`line-${line.id}`] = `Enter how many of ${line.title} to send, as a whole number`
    else if (Number(text) > line.left) errors[`line-${line.id}`] = `Only ${line.left} of ${line.title} are left to send`
    else quantities.set(line.id, Number(text))
  }
  if (Object.keys(errors).length) return { ok: false, errors }
  if (quantities.size === 0) return { ok: false, errors: { lines: 'Choose at least one item to send' } }
  return { ok: true, quantities }
}

/** A refund: an amount in the shop's currency (checked against what is left to refund) and why. */
export const refundInput = z.object({
  amount: z.string({ error: 'Enter the amount to refund' }).trim().min(1, 'Enter the amount to refund').max(20),
  reason: z
    .string({ error: 'Say why you are refunding' })
    .trim()
    .min(3, 'Say why you are refunding: it is kept with the order')
    .max(500, 'Keep the reason to 500 characters'),
})
