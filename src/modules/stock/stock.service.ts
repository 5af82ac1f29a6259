import { sql } from 'kysely'
import { type Db, inTransaction } from '../../db/connection.js'
import type { StockMovementsTable } from '../../db/schema.js'
import { nowIso } from '../../lib/time.js'
import { logActivity } from '../activity/activity.service.js'

/**
 * Writes down a change to a variant's stock, with the stock after it, in the
 * caller's transaction. Variants that do not count their stock get no row.
 */
export async function recordStockMovement(
  db: Db,
  movement: {
    variantId: number
    change: number
    reason: StockMovementsTable['reason']
    note?: string
    orderId?: number | null
    actorUserId?: number | null
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
          sql.lit(movement.change).as('change'),
          'stock',
          sql.lit(movement.reason).as('reason'),
          eb.val(movement.note ?? '').as('note'),
          eb.val(movement.orderId ?? null).as('order_id'),
          eb.val(movement.actorUserId ?? null).as('actor_user_id'),
          eb.val(nowIso()).as('created_at'),
        ])
        .where('id', '=', movement.variantId)
        .where('track_stock', '=', 1),
    )
    .execute()
}

/** A variant with its product, for its stock page. */
export async function variantForStock(db: Db, variantId: number) {
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
export async function stockLedger(db: Db, variantId: number, limit = 100) {
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

export type AdjustResult =
  | { kind: 'adjusted'; stock: number }
  | { kind: 'invalid'; errors: Record<string, string> }
  | { kind: 'missing' }

/**
 * Staff change a variant's stock by a number of units (a delivery in, breakage
 * out), with a reason: one guarded update that never takes stock below zero
 * (unless the variant takes backorders), its ledger row and the activity log.
 */
export async function adjustStock(
  db: Db,
  variantId: number,
  actor: { id: number },
  adjustment: { change: number; note: string },
): Promise<AdjustResult> {
  return inTransaction(db, async (trx) => {
    const variant = await variantForStock(trx, variantId)
    if (!variant) return { kind: 'missing' } as const
    if (!variant.track_stock)
      return { kind: 'invalid', errors: { change: 'This variant does not count its stock' } } as const
    const result = await trx
      .updateTable('variants')
      .set({ stock: sql`stock + ${adjustment.change}` })
      .where('id', '=', variantId)
      .where((eb) => eb.or([eb('allow_backorder', '=', 1), eb('stock', '>=', -adjustment.change)]))
      .executeTakeFirst()
    if (Number(result.numUpdatedRows) !== 1) {
      return { kind: 'invalid', errors: { change: `There are only ${variant.stock} to take away` } } as const
    }
    await recordStockMovement(trx, {
      variantId,
      change: adjustment.change,
      reason: 'adjustment',
      note: adjustment.note,
      actorUserId: actor.id,
    })
    const after = variant.stock + adjustment.change
    await logActivity(trx, {
      actorUserId: actor.id,
      action: 'stock.adjusted',
      subject: { type: 'product', id: variant.product_id },
      summary: `Adjusted the stock of ${variant.title} (${variant.sku}) by ${adjustment.change > 0 ? '+' : ''}${adjustment.change}: ${adjustment.note}`,
      changes: { stock: [variant.stock, after] },
    })
    return { kind: 'adjusted', stock: after } as const
  })
}
