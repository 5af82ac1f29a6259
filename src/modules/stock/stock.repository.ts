import { sql } from 'kysely'
import type { Db } from '../../db/connection.js'
import type { StockMovementsTable } from '../../db/schema.js'

/** A ledger row for a counted variant, with its stock as it is now (after the change); none for an uncounted one. */
export async function insertStockMovement(
  db: Db,
  movement: {
    variantId: number
    change: number
    reason: StockMovementsTable['reason']
    note: string
    orderId: number | null
    actorUserId: number | null
    at: string
  },
): Promise<void> {
  await db
    .insertInto('stock_movements')
    .columns(['variant_id', 'change', 'stock_after', 'reason', 'note', 'order_id', 'actor_user_id', 'created_at'])
    .expression((eb) =>
      eb
        .selectFrom('variants')
        .select([
          'id',
          // Bound, not written into the SQL: one prepared statement for every quantity (the cast types it on PostgreSQL).
          eb.cast<number>(eb.val(movement.change), 'integer').as('change'),
          'stock',
          eb.val(movement.reason).as('reason'),
          eb.val(movement.note).as('note'),
          eb.val(movement.orderId).as('order_id'),
          eb.val(movement.actorUserId).as('actor_user_id'),
          eb.val(movement.at).as('created_at'),
        ])
        .where('id', '=', movement.variantId)
        .where('track_stock', '=', 1),
    )
    .execute()
}

/** A variant with its product, for its stock page. */
export async function selectVariantForStock(db: Db, variantId: number) {
  return db
    .selectFrom('variants as v')
    .innerJoin('products as p', 'p.id', 'v.product_id')
    .select([
      'v.id',
      'v.sku',
      'v.stock',
      'v.track_stock',
      'v.allow_backorder',
      'p.id as product_id',
      'p.title',
      'p.slug',
    ])
    .where('v.id', '=', variantId)
    .executeTakeFirst()
}

/** A variant's stock ledger, newest first, with who made each change and the order it was for. */
export async function selectStockLedger(db: Db, variantId: number, limit = 100) {
  return db
    .selectFrom('stock_movements as m')
    .leftJoin('users as u', 'u.id', 'm.actor_user_id')
    .leftJoin('orders as o', 'o.id', 'm.order_id')
    .select([
      'm.id',
      'm.change',
      'm.stock_after',
      'm.reason',
      'm.note',
      'm.created_at',
      'u.name as actor_name',
      'o.number as order_number',
    ])
    .where('m.variant_id', '=', variantId)
    .orderBy('m.id', 'desc')
    .limit(limit)
    .execute()
}

/** Adds `change` units (negative: takes them away), never below zero unless the variant takes backorders; true when it did. */
export async function addToStock(db: Db, variantId: number, change: number): Promise<boolean> {
  const result = await db
    .updateTable('variants')
    .set({ stock: sql`stock + ${change}` })
    .where('id', '=', variantId)
    .where((eb) => eb.or([eb('allow_backorder', '=', 1), eb('stock', '>=', -change)]))
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}
