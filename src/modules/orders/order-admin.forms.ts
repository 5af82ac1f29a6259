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
