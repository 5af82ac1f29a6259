import { z } from 'zod'
import { parseId } from '../../lib/ids.js'

/** At most this many of one variant in a cart: more is a wholesale order, and a mistyped quantity. */
export const MAX_QUANTITY = 99

const WHOLE_NUMBER = 'Enter the quantity as a whole number, like 2'

/**
 * The quantity rule itself, on a number: whole, from `min` (1 to add, 0 to
 * set a line, where 0 removes it) up to MAX_QUANTITY. The form's text field
 * and the API's JSON number both end in this, so the limits and their
 * messages are written once.
 */
export const quantityNumber = (min: 0 | 1) =>
  z
    .number({ error: (issue) => (issue.input === undefined ? 'Enter a quantity' : WHOLE_NUMBER) })
    .int(WHOLE_NUMBER)
    .min(min, min === 1 ? 'Choose at least 1' : 'Enter 0 or more')
    .max(MAX_QUANTITY, `You can order at most ${MAX_QUANTITY} of one item`)

/** A quantity as a form sends it: digits, then the number rule. */
const quantityText = (min: 0 | 1) =>
  z
    .string({ error: 'Enter a quantity' })
    .trim()
    .min(1, 'Enter a quantity')
    .regex(/^\d{1,6}$/, WHOLE_NUMBER)
    .transform(Number)
    .pipe(quantityNumber(min))

/** The product page's add-to-cart form. */
export const addToCartInput = z.object({
  variant_id: z
    .string({ error: 'Choose an option' })
    .refine((text) => parseId(text) > 0, 'Choose an option')
    .transform(Number),
  quantity: quantityText(1),
})
export type AddToCartInput = z.output<typeof addToCartInput>

/** The cart page's quantity form on a line; 0 removes the line. */
export const lineQuantityInput = z.object({ quantity: quantityText(0) })
export type LineQuantityInput = z.output<typeof lineQuantityInput>
