import { z } from 'zod'
import { validate } from '../../lib/validation.js'

/** An order's secret link as its URL carries it (`/orders/:token`): the token the order was given. */
export const orderLinkInput = z.object({ token: z.string().regex(/^[\w-]{20,64}$/) })

/**
 * The token of an order link, or null for anything that cannot be one: a
 * plain 404, and no query for it (as lib/ids.ts does for ids).
 */
export function orderTokenOf(params: unknown): string | null {
  const checked = validate(orderLinkInput, params)
  return checked.ok ? checked.value.token : null
}

/** The order page's query: Stripe sends the shopper back with `?payment=done`; anything else is ignored. */
export const orderPageInput = z
  .object({ payment: z.string().optional().catch(undefined) })
  .transform((query) => ({ returned: query.payment === 'done' }))

/** A customer's order list's page number; anything that is not one is the first page. */
export const orderHistoryInput = z.object({
  page: z
    .string()
    .regex(/^[1-9]\d{0,5}$/)
    .transform(Number)
    .catch(1),
})
