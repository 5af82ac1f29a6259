import { type Db, inTransaction } from '../../db/connection.js'
import { type Missing, missing } from '../../lib/outcomes.js'
import { nowIso } from '../../lib/time.js'
import { type Actor, type ChangeActor, logActivity, throughKey } from '../activity/activity.service.js'
import { isHostedMethod } from '../payments/payment-methods.js'
import { type CancelResult, cancelOrder, markOrderPaid, type PaidResult } from './order-changes.js'
import { insertOrderEvent, selectOrderByNumber } from './orders.repository.js'
import type { Order } from './place-order.js'

/**
 * What staff may do to an order as it stands: the order page shows only
 * these actions (the services check each again when it is done).
 */
export function orderActions(order: Order, refundableAmount: number) {
  const paid = order.payment_status === 'paid' || order.payment_status === 'partially_refunded'
  return {
    canMarkPaid: order.payment_status === 'pending' && !order.cancelled_at && !isHostedMethod(order.payment_method),
    canCancel: !order.cancelled_at && order.fulfilment_status === 'unfulfilled',
    canRefund: paid && refundableAmount > 0,
    canSend: !order.cancelled_at,
  }
}

/**
 * Staff confirm a payment that arrived outside the shop (a bank transfer,
 * cash on collection). Card orders are paid only by their provider's webhook.
 */
export async function markPaidByStaff(db: Db, number: number, actor: Actor, baseUrl: string): Promise<PaidResult> {
  return inTransaction(db, async (trx) => {
    const order = await selectOrderByNumber(trx, number)
    if (!order) return { kind: 'missing' } as const
    if (isHostedMethod(order.payment_method)) {
      return {
        kind: 'refused',
        message: `Order #${order.number} is paid by card: it is marked paid when Stripe confirms the payment.`,
      } as const
    }
    const result = await markOrderPaid(trx, order.id, { baseUrl, actorUserId: actor.id })
    if (result.kind === 'paid') {
      await logActivity(trx, {
        actorUserId: actor.id,
        action: 'order.paid',
        subject: { type: 'order', id: order.id },
        summary: `Marked order #${order.number} as paid`,
        changes: { payment_status: [order.payment_status, 'paid'] },
      })
    }
    return result
  })
}

/** Staff cancel an order that has not been sent; the stock returns and the customer is told why. */
export async function cancelByStaff(
  db: Db,
  number: number,
  actor: ChangeActor,
  reason: string,
  baseUrl: string,
): Promise<CancelResult> {
  return inTransaction(db, async (trx) => {
    const order = await selectOrderByNumber(trx, number)
    if (!order) return { kind: 'missing' } as const
    const result = await cancelOrder(trx, order.id, { reason, baseUrl, actor })
    if (result.kind === 'cancelled') {
      await logActivity(trx, {
        actorUserId: actor.id,
        action: 'order.cancelled',
        subject: { type: 'order', id: order.id },
        summary: `Cancelled order #${order.number}${throughKey(actor)}: ${reason}`,
        changes: { cancelled: ['no', 'yes'] },
      })
    }
    return result
  })
}

/** An internal note on the order's timeline: staff only, never shown to the customer. */
export async function addOrderNote(
  db: Db,
  number: number,
  actor: Actor,
  text: string,
): Promise<{ kind: 'added' } | Missing> {
  return inTransaction(db, async (trx) => {
    const order = await selectOrderByNumber(trx, number)
    if (!order) return missing
    await insertOrderEvent(trx, {
      order_id: order.id,
      kind: 'note',
      message: text,
      actor_user_id: actor.id,
      at: nowIso(),
    })
    await logActivity(trx, {
      actorUserId: actor.id,
      action: 'order.note',
      subject: { type: 'order', id: order.id },
      summary: `Added a note to order #${order.number}`,
    })
    return { kind: 'added' } as const
  })
}
