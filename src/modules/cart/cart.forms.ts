import { z } from 'zod'
import { parseId } from '../../lib/ids.js'

/** At most this many of one variant in a cart: more is a wholesale order, and a mistyped quantity. */
export const MAX_QUANTITY = 99

const quantity = (min: 0 | 1) =>
  z
    .string({ error: 'Enter a quantity' })
    .trim()
    .min(1, 'Enter a quantity')
    .regex(/^\d{1,6}$/, 'Enter the quantity as a whole number, like 2')
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, min === 1 ? 'Choose at least 1' : 'Enter 0 or more')
        .max(MAX_QUANTITY, `You can order at most ${MAX_QUANTITY} of one item`),
    )

/** The product page's add-to-cart form. */
export const addToCartInput = z.object({
  variant_id: z
    .string({ error: 'Choose an option' })
    .refine((text) => parseId(text) > 0, 'Choose an option')
    .transform(Number),
  quantity: quantity(1),
})
export type AddToCartInput = z.output<typeof addToCartInput>

/** The cart page's quantity form on a line; 0 removes the line. */
export const lineQuantityInput = z.object({ quantity: quantity(0) })
export type LineQuantityInput = z.output<typeof lineQuantityInput>
