import type { Db } from '../../db/connection.js'

/** Where a page of a customer's orders ends: the last order shown. */
export interface OrderHistoryPosition {
  placed_at: string
  id: number
}

/**
 * A customer's orders, newest first, after `after` (a keyset, so orders
 * placed meanwhile never make a page skip or repeat one).
 */
export async function selectOrdersOfUserAfter(
  db: Db,
  userId: number,
  limit: number,
  after: OrderHistoryPosition | null,
) {
  let query = db
    .selectFrom('orders')
    .select([
      'id',
      'number',
      'placed_at',
      'updated_at',
      'total',
      'currency',
      'payment_status',
      'fulfilment_status',
      'cancelled_at',
    ])
    .where('user_id', '=', userId)
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('placed_at', '<', after.placed_at),
        eb.and([eb('placed_at', '=', after.placed_at), eb('id', '<', after.id)]),
      ]),
    )
  }
  return query.orderBy('placed_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
}
