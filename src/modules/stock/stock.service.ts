import { type Db, inTransaction } from '../../db/connection.js'
import type { StockMovementsTable } from '../../db/schema.js'
import { withFields } from '../../lib/objects.js'
import { type Invalid, invalid, type Missing, missing } from '../../lib/outcomes.js'
import { nowIso } from '../../lib/time.js'
import type { FieldErrors } from '../../lib/validation.js'
import { logActivity } from '../activity/activity.service.js'
import { addToStock, insertStockMovement, selectStockLedger, selectVariantForStock } from './stock.repository.js'

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
  await insertStockMovement(
    db,
    withFields(movement, {
      note: movement.note ?? '',
      orderId: movement.orderId ?? null,
      actorUserId: movement.actorUserId ?? null,
      at: nowIso(),
    }),
  )
}

export type AdjustResult = { kind: 'adjusted'; stock: number } | Invalid | Missing

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
    const variant = await selectVariantForStock(trx, variantId)
    if (!variant) return missing
    if (!variant.track_stock) return invalid({ change: 'This variant does not count its stock' })
    if (!(await addToStock(trx, variantId, adjustment.change))) {
      return invalid({ change: `There are only ${variant.stock} to take away` })
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

/** A variant's stock page: what there is, every change that made it so, and the adjustment form (sent back with its errors). */
export async function variantStockPage(
  db: Db,
  variantId: number,
  sent?: { values: Record<string, string>; errors: FieldErrors },
) {
  const variant = await selectVariantForStock(db, variantId)
  if (!variant) return missing
  const ledger = await selectStockLedger(db, variantId)
  return {
    kind: 'page' as const,
    title: `Stock of ${variant.title} (${variant.sku})`,
    variant,
    inStock: `${variant.track_stock ? variant.stock : 'not counted'}${variant.allow_backorder ? ' (takes backorders)' : ''}`,
    ledger: ledger.map((m) => withFields(m, { signedChange: `${m.change > 0 ? '+' : ''}${m.change}` })),
    values: sent?.values ?? {},
    errors: sent?.errors ?? {},
  }
}
