import type { Db } from '../../db/connection.js'

/** The daily sales summary from `fromDay` (YYYY-MM-DD) on. */
export async function selectSalesSince(db: Db, fromDay: string) {
  return db.selectFrom('sales_daily').selectAll().where('day', '>=', fromDay).execute()
}

/** The running counts kept by triggers on orders (awaiting_payment, to_send). */
export async function selectOrderCounts(db: Db) {
  return db.selectFrom('order_counts').select(['name', 'n']).execute()
}

/** Counted, on-sale variants with `atMost` or fewer left, fewest first (the low-stock index). */
export async function selectLowStock(db: Db, atMost: number, limit: number) {
  return db
    .selectFrom('variants as v')
    .innerJoin('products as p', 'p.id', 'v.product_id')
    .select(['v.id', 'v.sku', 'v.stock', 'p.id as product_id', 'p.title'])
    .where('v.track_stock', '=', 1)
    .where('v.stock', '<=', atMost)
    .where('p.status', '=', 'active')
    .orderBy('v.stock')
    .orderBy('v.id')
    .limit(limit)
    .execute()
}

export async function selectNewestOrders(db: Db, limit: number) {
  return db
    .selectFrom('orders')
    .select(['number', 'placed_at', 'name', 'total', 'currency', 'payment_status', 'fulfilment_status', 'cancelled_at'])
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
}
