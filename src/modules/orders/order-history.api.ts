import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import type { CursorPosition } from '../../lib/cursor.js'
import { type Missing, missing } from '../../lib/outcomes.js'
import { type OrderHistoryPosition, selectOrdersOfUserAfter } from './order-history.repository.js'
import { type OrderJson, orderJson, orderJsonOf } from './orders.api.js'
import { selectOrderOfUser } from './orders.repository.js'

/**
 * A customer's own orders over the API (/me/orders): a list of summaries,
 * newest first, and each order in full as `orderJson`, the one shape orders
 * have everywhere in the API.
 */

/** An order in a list: the fields of `Order` a list shows; the order itself has the rest. */
export const orderSummaryJson = orderJson
  .pick({
    number: true,
    status: true,
    payment_status: true,
    fulfilment_status: true,
    currency: true,
    total: true,
    placed_at: true,
    updated_at: true,
  })
  .meta({ id: 'OrderSummary', description: 'An order in a list: GET it by its number for the whole of it.' })

export type OrderSummaryJson = z.output<typeof orderSummaryJson>

const position = z.object({ placed_at: z.string(), id: z.number().int() })

export type OrderHistoryPage =
  | { kind: 'page'; data: OrderSummaryJson[]; next: OrderHistoryPosition | null }
  /** A cursor this list did not give (another list's, signed all the same). */
  | { kind: 'bad-cursor' }

/** A page of the customer's orders, newest first, after the position a cursor gave (null: from the newest). */
export async function customerOrderList(
  db: Db,
  userId: number,
  limit: number,
  cursor: CursorPosition | null,
): Promise<OrderHistoryPage> {
  const after = cursor === null ? null : position.safeParse(cursor)
  if (after && !after.success) return { kind: 'bad-cursor' }
  const rows = await selectOrdersOfUserAfter(db, userId, limit + 1, after?.data ?? null)
  const shown = rows.slice(0, limit)
  const last = shown.at(-1)
  return {
    kind: 'page',
    data: shown.map((order) => ({
      number: order.number,
      status: order.cancelled_at ? 'cancelled' : 'open',
      payment_status: order.payment_status,
      fulfilment_status: order.fulfilment_status,
      currency: order.currency,
      total: order.total,
      placed_at: order.placed_at,
      updated_at: order.updated_at,
    })),
    next: rows.length > limit && last ? { placed_at: last.placed_at, id: last.id } : null,
  }
}

/** One of the customer's orders in full; another customer's number, or none, is not found. */
export async function customerOrder(
  db: Db,
  userId: number,
  number: number,
): Promise<{ kind: 'found'; order: OrderJson } | Missing> {
  const order = await selectOrderOfUser(db, userId, number)
  return order ? { kind: 'found', order: await orderJsonOf(db, order) } : missing
}
