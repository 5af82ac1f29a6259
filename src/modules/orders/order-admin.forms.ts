import { z } from 'zod'
import { parseId } from '../../lib/ids.js'

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

/** The parcel's carrier and tracking number, each checked on its own. */
export const parcelFields = {
  carrier: z.string().trim().max(100, 'Keep the carrier to 100 characters').default(''),
  tracking: z.string().trim().max(100, 'Keep the tracking number to 100 characters').default(''),
}

/** A tracking number is with a carrier: both, or neither (collection, a hand delivery). */
export const carrierOfTracking = {
  holds: (carrier: string, tracking: string) => !tracking || carrier !== '',
  error: { message: 'Say which carrier the tracking number is with', path: ['carrier'] },
}

export const parcelInput = z
  .object(parcelFields)
  .refine((v) => carrierOfTracking.holds(v.carrier, v.tracking), carrierOfTracking.error)

/** At most this many of one line in a parcel: four digits, as the form's field takes. */
const MOST_IN_PARCEL = 9999

const quantityMessage = (title?: string) => `Enter how many ${title ? `of ${title} ` : ''}to send, as a whole number`

/**
 * How many of a line go in a parcel: a whole number up to 9,999, 0 for none
 * of it (the service checks it against what is left to send). `title` names
 * the line in the message where the field belongs to one.
 */
export function parcelQuantity(title?: string) {
  const message = quantityMessage(title)
  return z.number({ error: message }).int(message).min(0, message).max(MOST_IN_PARCEL, message)
}

/** The same number as typed into the fulfilment form's field for the line. */
export function parcelQuantityText(title: string) {
  return z.string().trim().regex(/^\d+$/, quantityMessage(title)).transform(Number).pipe(parcelQuantity(title))
}

/** A field of a form as it was sent: its text, or nothing for a field left out or sent as anything else. */
const sent = z.string().optional().catch(undefined)

/**
 * The fulfilment form as sent: the parcel's fields, and how many of each line
 * go in it as typed into the fields named line-<id>. The lines are the
 * order's, so the service checks the form (with parcelInput, and each line
 * against what is left to send of it) and gives every message at once.
 */
export const fulfilmentInput = z
  .looseObject({ carrier: sent, tracking: sent })
  .transform(({ carrier, tracking, ...fields }) => ({ carrier, tracking, lines: lineFields(fields) }))

export type FulfilmentInput = z.output<typeof fulfilmentInput>

/** The line-<id> fields sent as text, by line id; anything else is not a line of any order. */
function lineFields(fields: Record<string, unknown>): Record<number, string> {
  const lines: Record<number, string> = {}
  for (const [name, value] of Object.entries(fields)) {
    const id = parseId(/^line-(\d+)$/.exec(name)?.[1])
    if (id > 0 && typeof value === 'string') lines[id] = value
  }
  return lines
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
