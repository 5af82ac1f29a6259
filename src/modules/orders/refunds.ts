import { type Db, inTransaction } from '../../db/connection.js'
import { formatMoney, parseMoney } from '../../lib/money.js'
import { nowIso } from '../../lib/time.js'
import { type ChangeActor, logActivity, throughKey } from '../activity/activity.service.js'
import { isHostedMethod } from '../payments/payment-methods.js'
import { PaymentProviderError, paymentReference } from '../payments/payment-provider.js'
import type { Payments } from '../payments/payments.js'
import { getShopSettings } from '../settings/settings.service.js'
import {
  insertOrderEvent,
  insertRefund,
  selectOrder,
  selectOrderByNumber,
  selectPendingRefunds,
  setPaymentStatus,
  settleRefund,
  sumRefunds,
} from './orders.repository.js'
import type { Order } from './place-order.js'

export type RefundResult =
  /** `shown`: the amount as the shop writes it, for the message to staff. */
  | { kind: 'refunded'; amount: number; shown: string; status: 'partially_refunded' | 'refunded' }
  | { kind: 'invalid'; errors: Record<string, string> }
  | { kind: 'refused'; message: string }
  | { kind: 'missing' }

/** What is left to give back on an order: its total less refunds made or under way. */
export async function refundable(db: Db, order: Order): Promise<number> {
  return order.total - (await sumRefunds(db, order.id, ['pending', 'succeeded']))
}

/**
 * Gives money back on a paid order: by Stripe for a card order (the
 * library, with one idempotency key per refund), or recorded as given back
 * by hand (a bank transfer back, cash). Never more than is left to refund.
 * A card refund is written as pending before Stripe is asked, outside any
 * transaction, and settled after: a refund Stripe refuses is marked failed
 * and changes nothing else.
 */
export async function refundOrder(
  db: Db,
  payments: Payments,
  number: number,
  actor: ChangeActor,
  /** The amount as the form has it (12.50 in the order's currency), or in minor units as the API sends it. */
  input: { amount: string | number; reason: string },
): Promise<RefundResult> {
  const claimed = await inTransaction(db, async (trx) => {
    const order = await selectOrderByNumber(trx, number)
    if (!order) return { kind: 'missing' } as const
    if (order.payment_status !== 'paid' && order.payment_status !== 'partially_refunded') {
      return { kind: 'refused', message: `Order #${order.number} has no payment to refund.` } as const
    }
    const shop = await getShopSettings(trx)
    const amount = typeof input.amount === 'number' ? input.amount : parseMoney(input.amount, order.currency)
    const left = await refundable(trx, order)
    const money = (minor: number) => formatMoney(minor, order.currency, shop.locale)
    if (amount === null || amount <= 0) {
      return { kind: 'invalid', errors: { amount: 'Enter the amount as a number, like 12.50' } } as const
    }
    if (amount > left)
      return {
        kind: 'invalid',
        errors: { amount: `Refund at most ${money(left)}, what is left of the payment` },
      } as const
    const provider = isHostedMethod(order.payment_method) ? payments.hosted(order.payment_method) : null
    if (isHostedMethod(order.payment_method) && (!provider || !order.payment_provider_ref)) {
      return {
        kind: 'refused',
        message: 'This card payment can only be refunded with the Stripe keys set, from Stripe.',
      } as const
    }
    const refundId = await insertRefund(trx, {
      order_id: order.id,
      amount,
      reason: input.reason,
      status: provider ? 'pending' : 'succeeded',
      created_at: nowIso(),
      actor_user_id: actor.id,
    })
    if (!provider)
      return { kind: 'done', result: await recordRefund(trx, order, amount, input.reason, actor, money) } as const
    return { kind: 'ask', order, amount, refundId, provider, money } as const
  })
  if (claimed.kind !== 'ask') return claimed.kind === 'done' ? claimed.result : claimed

  const { order, amount, refundId, provider, money } = claimed
  try {
    const given = await provider.refund(order.payment_provider_ref as string, amount, refundKey(order, refundId))
    return inTransaction(db, async (trx) => {
      // Settled already by the order jobs' retry (finishPendingRefunds): recorded there, not twice.
      if (!(await settleRefund(trx, refundId, { status: 'succeeded', providerRefundId: given.id })))
        return {
          kind: 'refunded',
          amount,
          shown: money(amount),
          status: (await refundStatus(trx, order)) ?? 'partially_refunded',
        } as const
      return recordRefund(trx, order, amount, input.reason, actor, money)
    })
  } catch (err) {
    if (!(err instanceof PaymentProviderError)) throw err
    await settleRefund(db, refundId, { status: 'failed', failure: err.message })
    return {
      kind: 'refused',
      message: err.temporary
        ? 'Stripe could not be reached, so nothing was refunded. Try again in a minute.'
        : `Stripe refused the refund, so nothing was refunded: ${err.message.replace(/^Stripe: /, '')}`,
    }
  }
}

/** How long a card refund may stay pending before the order jobs ask Stripe again: far longer than a request asking it takes. */
export const PENDING_REFUND_MINUTES = 10

/**
 * Finishes card refunds left pending: written before Stripe was asked, and
 * then the process stopped (a crash, a deploy) before Stripe's answer was
 * written. Asking again with the refund's own idempotency key makes no
 * second refund: Stripe answers with the one it made, or makes it now. A
 * refund Stripe refuses is marked failed; one it cannot be reached for stays
 * pending for the next run. Settling is a guarded update, so a refund is
 * recorded once however many processes run this. Returns how many were
 * settled either way.
 */
export async function finishPendingRefunds(
  db: Db,
  payments: Payments,
  options: { now: Date; limit: number; log: { warn(obj: object, msg: string): void } },
): Promise<number> {
  const before = new Date(options.now.getTime() - PENDING_REFUND_MINUTES * 60_000).toISOString()
  let settled = 0
  for (const refund of await selectPendingRefunds(db, before, options.limit)) {
    const order = await selectOrder(db, refund.order_id)
    const provider = order && isHostedMethod(order.payment_method) ? payments.hosted(order.payment_method) : null
    if (!order?.payment_provider_ref || !provider) continue
    try {
      const given = await provider.refund(order.payment_provider_ref, refund.amount, refundKey(order, refund.id))
      const shop = await getShopSettings(db)
      const money = (minor: number) => formatMoney(minor, order.currency, shop.locale)
      await inTransaction(db, async (trx) => {
        if (!(await settleRefund(trx, refund.id, { status: 'succeeded', providerRefundId: given.id }))) return
        await recordRefund(trx, order, refund.amount, refund.reason, { id: refund.actor_user_id }, money)
        settled++
      })
    } catch (err) {
      // Refused for good: recorded as failed. Anything else (Stripe out of reach, the database busy): the next run asks again.
      if (err instanceof PaymentProviderError && !err.temporary) {
        if (await settleRefund(db, refund.id, { status: 'failed', failure: err.message })) settled++
      } else {
        options.log.warn(
          { err, refundId: refund.id },
          'a pending refund could not be finished; the next run asks again',
        )
      }
    }
  }
  return settled
}

/** One refund's idempotency key at the provider: the same refund asked again is never made twice. */
function refundKey(order: Order, refundId: number): string {
  return `shopfront-refund-${paymentReference(order)}-${refundId}`
}

/** The order's payment status now. */
async function refundStatus(db: Db, order: Order) {
  return (await selectOrder(db, order.id))?.payment_status as 'partially_refunded' | 'refunded' | undefined
}

/** A refund that has happened: the order's payment status, its timeline and the activity log. */
async function recordRefund(
  db: Db,
  order: Order,
  amount: number,
  reason: string,
  actor: ChangeActor,
  money: (minor: number) => string,
): Promise<RefundResult> {
  const given = await sumRefunds(db, order.id, ['succeeded'])
  const status = given >= order.total ? 'refunded' : 'partially_refunded'
  const now = nowIso()
  await setPaymentStatus(db, order.id, status, now)
  const by = isHostedMethod(order.payment_method) ? ' by Stripe' : ' (given back by hand)'
  await insertOrderEvent(db, {
    order_id: order.id,
    kind: 'refunded',
    message: `Refunded ${money(amount)}${by}${throughKey(actor)}: ${reason}`,
    actor_user_id: actor.id,
    at: now,
  })
  await logActivity(db, {
    actorUserId: actor.id,
    action: 'order.refunded',
    subject: { type: 'order', id: order.id },
    summary: `Refunded ${money(amount)} of order #${order.number}${throughKey(actor)}: ${reason}`,
    changes: { payment_status: [order.payment_status, status], refunded: [money(given - amount), money(given)] },
  })
  return { kind: 'refunded', amount, shown: money(amount), status }
}
