import type { Db } from '../../db/connection.js'
import type { FulfilmentStatus, PaymentStatus } from '../../db/schema.js'

/**
 * The queries behind the API's orders: the parts of many orders at once (one
 * query per kind of part, whatever the number of orders), and the outside
 * services' order list with its two keysets.
 */

export async function selectLinesOfOrders(db: Db, orderIds: number[]) {
  if (orderIds.length === 0) return []
  return db.selectFrom('order_lines').selectAll().where('order_id', 'in', orderIds).orderBy('id').execute()
}

export async function selectFulfilmentsOfOrders(db: Db, orderIds: number[]) {
  if (orderIds.length === 0) return []
  return db.selectFrom('fulfilments').selectAll().where('order_id', 'in', orderIds).orderBy('id').execute()
}

/** What went in each parcel of the orders. */
export async function selectParcelLinesOfOrders(db: Db, orderIds: number[]) {
  if (orderIds.length === 0) return []
  return db
    .selectFrom('fulfilment_lines as fl')
    .innerJoin('fulfilments as f', 'f.id', 'fl.fulfilment_id')
    .select(['f.order_id', 'fl.fulfilment_id', 'fl.order_line_id', 'fl.quantity'])
    .where('f.order_id', 'in', orderIds)
    .orderBy('fl.fulfilment_id')
    .orderBy('fl.order_line_id')
    .execute()
}

export async function selectRefundsOfOrders(db: Db, orderIds: number[]) {
  if (orderIds.length === 0) return []
  return db.selectFrom('refunds').selectAll().where('order_id', 'in', orderIds).orderBy('id').execute()
}

export interface OrderFeedFilter {
  status?: 'open' | 'cancelled' | undefined
  paymentStatus?: PaymentStatus | undefined
  fulfilmentStatus?: FulfilmentStatus | undefined
  /** Placed at or after this ISO time. */
  placedSince?: string | undefined
  /** Changed at or after this ISO time. */
  updatedSince?: string | undefined
}

/**
 * Where a page of the order list starts:
 * - `newest`: by id, newest first, below the id the last page ended on;
 * - `updated`: by (updated_at, id), oldest change first, after the last
 *   change the last page showed, and only changes made up to `until`.
 */
export type OrderFeedKeyset =
  | { sort: 'newest'; beforeId: number | null }
  | { sort: 'updated'; after: { at: string; id: number } | null; until: string }

/** Up to `limit` orders of the list, whole rows (orderJsonsOf shows them). */
export async function selectOrderFeed(db: Db, filter: OrderFeedFilter, keyset: OrderFeedKeyset, limit: number) {
  let query = db.selectFrom('orders').selectAll()
  if (filter.status === 'open') query = query.where('cancelled_at', 'is', null)
  if (filter.status === 'cancelled') query = query.where('cancelled_at', 'is not', null)
  if (filter.paymentStatus) query = query.where('payment_status', '=', filter.paymentStatus)
  if (filter.fulfilmentStatus) query = query.where('fulfilment_status', '=', filter.fulfilmentStatus)
  if (filter.placedSince) query = query.where('placed_at', '>=', filter.placedSince)
  if (filter.updatedSince) query = query.where('updated_at', '>=', filter.updatedSince)
  if (keyset.sort === 'newest') {
    if (keyset.beforeId !== null) query = query.where('id', '<', keyset.beforeId)
    return query.orderBy('id', 'desc').limit(limit).execute()
  }
  query = query.where('updated_at', '<=', keyset.until)
  const after = keyset.after
  if (after) {
    query = query.where((eb) =>
      eb.or([eb('updated_at', '>', after.at), eb.and([eb('updated_at', '=', after.at), eb('id', '>', after.id)])]),
    )
  }
  return query.orderBy('updated_at').orderBy('id').limit(limit).execute()
}
