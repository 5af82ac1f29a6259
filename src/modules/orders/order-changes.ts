import { type Db, inTransaction } from '../../db/connection.js'
import { withFields } from '../../lib/objects.js'
import { nowIso } from '../../lib/time.js'
import { type ChangeActor, throughKey } from '../activity/activity.service.js'
import { enqueueEmail } from '../mail/mail.service.js'
import { isHostedMethod } from '../payments/payment-methods.js'
import { getShopSettings } from '../settings/settings.service.js'
import { recordStockMovement } from '../stock/stock.service.js'
import { invoiceLabel } from './invoice.js'
import {
  insertOrderEvent,
  markCancelled,
  markPaidWithInvoice,
  markReminded,
  returnStock,
  selectOrder,
  selectOrderLines,
  type UnpaidGuard,
} from './orders.repository.js'
import { orderSummary } from './place-order.js'

export type CancelResult = { kind: 'cancelled' } | { kind: 'refused'; message: string } | { kind: 'missing' }

/**
 * Cancels an order that has not been sent: every unit goes back to stock
 * (for variants that count it) and the customer is told, in one transaction
 * (the caller's, when given one). Payment is not touched here: a paid order
 * is refunded as its own step.
 */
export async function cancelOrder(
  db: Db,
  orderId: number,
  options: {
    reason: string
    baseUrl: string
    /** Cancel only while the order is unpaid and keeps no provider payment but this one (unpaid-order jobs, webhooks). */
    unpaid?: UnpaidGuard
    /** Who cancels it (staff, or an API key for its maker); none for the shop's own jobs and webhooks. */
    actor?: ChangeActor
  },
): Promise<CancelResult> {
  return inTransaction(db, async (trx) => {
    const order = await selectOrder(trx, orderId)
    if (!order) return { kind: 'missing' } as const
    if (order.cancelled_at) return { kind: 'refused', message: `Order #${order.number} is already cancelled.` } as const
    const now = nowIso()
    if (!(await markCancelled(trx, order.id, now, options.unpaid))) {
      const why =
        order.fulfilment_status !== 'unfulfilled' ? 'has been sent' : 'has been paid or is being paid meanwhile'
      return { kind: 'refused', message: `Order #${order.number} ${why}, so it cannot be cancelled.` } as const
    }
    for (const line of await selectOrderLines(trx, order.id)) {
      if (line.variant_id === null) continue
      await returnStock(trx, line.variant_id, line.quantity)
      await recordStockMovement(trx, {
        variantId: line.variant_id,
        change: line.quantity,
        reason: 'cancellation',
        orderId: order.id,
        actorUserId: options.actor?.id ?? null,
      })
    }
    await insertOrderEvent(trx, {
      order_id: order.id,
      kind: 'cancelled',
      message: `Cancelled${options.actor ? throughKey(options.actor) : ''}: ${options.reason} The stock is back on sale.`,
      actor_user_id: options.actor?.id ?? null,
      at: now,
    })
    const shop = await getShopSettings(trx)
    const cancelled = withFields(order, { cancelled_at: now })
    await enqueueEmail(trx, {
      template: 'order-cancelled',
      to: order.email,
      subject: `Your order #${order.number} at ${shop.shopName} is cancelled`,
      data: withFields(await orderSummary(trx, cancelled, shop), {
        reason: options.reason,
        orderPath: `/orders/${order.access_token}`,
      }),
      shop,
      baseUrl: options.baseUrl,
    })
    return { kind: 'cancelled' } as const
  })
}

/** Reminds the customer of an unpaid bank-transfer order, once, whichever process gets there first. */
export async function remindToPay(
  db: Db,
  orderId: number,
  options: { cancelOn: Date; baseUrl: string },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const now = nowIso()
    if (!(await markReminded(trx, orderId, now))) return false
    const order = await selectOrder(trx, orderId)
    if (!order) return false
    await insertOrderEvent(trx, {
      order_id: order.id,
      kind: 'reminded',
      message: 'Reminded to pay by bank transfer.',
      at: now,
    })
    const shop = await getShopSettings(trx)
    await enqueueEmail(trx, {
      template: 'payment-reminder',
      to: order.email,
      subject: `A reminder to pay for order #${order.number} at ${shop.shopName}`,
      data: withFields(await orderSummary(trx, order, shop), {
        cancelOn: options.cancelOn.toLocaleDateString(shop.locale, { dateStyle: 'long' }),
        orderPath: `/orders/${order.access_token}`,
      }),
      shop,
      baseUrl: options.baseUrl,
    })
    return true
  })
}

export type PaidResult = { kind: 'paid' } | { kind: 'refused'; message: string } | { kind: 'missing' }

/**
 * Records the payment of an order (staff confirming a bank transfer, or a
 * payment provider's webhook): it gets its invoice number and the customer is
 * told, in one transaction (the caller's, when given one). A cancelled or
 * already paid order is refused. An order paid on the provider's page had no
 * confirmation when it was placed, so this is it.
 */
export async function markOrderPaid(
  db: Db,
  orderId: number,
  options: {
    baseUrl: string
    /** The staff member confirming a payment (a bank transfer arrived); none for a provider's webhook. */
    actorUserId?: number | null
  },
): Promise<PaidResult> {
  return inTransaction(db, async (trx) => {
    const order = await selectOrder(trx, orderId)
    if (!order) return { kind: 'missing' } as const
    const now = nowIso()
    if (!(await markPaidWithInvoice(trx, order.id, now))) {
      const why = order.cancelled_at ? 'is cancelled' : 'is already paid'
      return { kind: 'refused', message: `Order #${order.number} ${why}.` } as const
    }
    const paid = (await selectOrder(trx, order.id)) ?? order
    await insertOrderEvent(trx, {
      order_id: order.id,
      kind: 'paid',
      message: `${options.actorUserId ? 'Marked as paid' : 'Payment confirmed by the payment provider'}; invoice ${invoiceLabel(paid.invoice_number ?? 0)}.`,
      actor_user_id: options.actorUserId ?? null,
      at: now,
    })
    const shop = await getShopSettings(trx)
    const confirming = isHostedMethod(paid.payment_method)
    await enqueueEmail(trx, {
      template: confirming ? 'order-confirmation' : 'payment-received',
      to: paid.email,
      subject: confirming
        ? `Your order #${paid.number} at ${shop.shopName}`
        : `Payment received for order #${paid.number} at ${shop.shopName}`,
      data: withFields(await orderSummary(trx, paid, shop), { orderPath: `/orders/${paid.access_token}` }),
      shop,
      baseUrl: options.baseUrl,
    })
    return { kind: 'paid' } as const
  })
}
