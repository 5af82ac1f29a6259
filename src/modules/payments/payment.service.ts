import type Stripe from 'stripe'
import { type Db, inTransaction } from '../../db/connection.js'
import { nowIso } from '../../lib/time.js'
import { cancelOrder, markOrderPaid } from '../orders/order-changes.js'
import { selectAwaitingPayment, selectOrder } from '../orders/orders.repository.js'
import type { Order } from '../orders/place-order.js'
import { HOSTED_UNPAID_MINUTES } from './payment-methods.js'
import { PaymentProviderError } from './payment-provider.js'
import type { Payments } from './payments.js'
import { insertPaymentEvent, savePaymentSession, selectPaymentEvent } from './payments.repository.js'

export type PaymentPage =
  | { kind: 'redirect'; url: string }
  /** Nothing to pay here: paid, cancelled, or paid some other way. */
  | { kind: 'settled' }
  /** The time to pay has run out; the order jobs cancel it. */
  | { kind: 'expired' }
  /** The provider did not answer; nothing changed and the shopper can try again. */
  | { kind: 'unavailable' }

/**
 * Where the shopper pays an order paid on a provider's page: the payment it
 * was given, while that is open, or a new one. An order gets no new payment
 * once its time to pay has run out.
 */
export async function paymentPage(
  db: Db,
  payments: Payments,
  order: Order,
  urls: { success: string; cancel: string },
  now = new Date(),
): Promise<PaymentPage> {
  const provider = payments.hosted(order.payment_method)
  if (!provider || order.payment_status !== 'pending' || order.cancelled_at) return { kind: 'settled' }
  if (
    order.payment_session_url &&
    order.payment_session_expires_at &&
    order.payment_session_expires_at > now.toISOString()
  )
    return { kind: 'redirect', url: order.payment_session_url }
  if (Date.parse(order.placed_at) + HOSTED_UNPAID_MINUTES * 60_000 <= now.getTime()) return { kind: 'expired' }
  try {
    const opened = await provider.open(order, urls)
    if (!(await savePaymentSession(db, order.id, opened, nowIso()))) return { kind: 'settled' }
    return { kind: 'redirect', url: opened.url }
  } catch (err) {
    if (err instanceof PaymentProviderError) return { kind: 'unavailable' }
    throw err
  }
}

/**
 * Cancels the orders paid on a provider's page that are still unpaid
 * HOSTED_UNPAID_MINUTES after they were placed, returning their stock. The
 * provider's payment is closed first, so it cannot be paid afterwards; one
 * the shopper has already paid is left for its webhook. Run by the order jobs.
 */
export async function cancelUnpaidHostedOrders(
  db: Db,
  payments: Payments,
  options: { now: Date; baseUrl: string; limit: number; log: { warn(obj: object, msg: string): void } },
): Promise<number> {
  const before = new Date(options.now.getTime() - HOSTED_UNPAID_MINUTES * 60_000).toISOString()
  let cancelled = 0
  const provider = payments.hosted('stripe')
  // Without the provider's keys its payments cannot be closed; cancelling could cancel a paid order.
  if (!provider) return 0
  for (const order of await selectAwaitingPayment(db, 'stripe', before, {
    unremindedOnly: false,
    limit: options.limit,
  })) {
    try {
      if (order.payment_session_id && (await provider.close(order.payment_session_id)) === 'completed') continue
    } catch (err) {
      options.log.warn({ err, order: order.number }, 'could not close an unpaid payment; trying again on the next run')
      continue
    }
    const result = await cancelOrder(db, order.id, {
      reason: `The payment was not completed within ${HOSTED_UNPAID_MINUTES} minutes, so nothing was charged.`,
      baseUrl: options.baseUrl,
    })
    if (result.kind === 'cancelled') cancelled++
  }
  return cancelled
}

export interface HandledEvent {
  /** Seen before: nothing was done again. */
  duplicate: boolean
  outcome: string
}

/**
 * Acts on a Stripe event whose signature has been checked: a completed
 * payment marks its order paid, an expired or failed one cancels it. Each
 * event is handled once: it is written down in the same transaction as what
 * it changed, so an event Stripe sends again finds itself and changes nothing.
 */
export async function handleStripeEvent(
  db: Db,
  event: Stripe.Event,
  options: { baseUrl: string },
): Promise<HandledEvent> {
  return inTransaction(db, async (trx) => {
    const known = await selectPaymentEvent(trx, 'stripe', event.id)
    if (known) return { duplicate: true, outcome: known.outcome }
    const { orderId, outcome } = await applyStripeEvent(trx, event, options)
    await insertPaymentEvent(trx, {
      provider: 'stripe',
      event_id: event.id,
      type: event.type,
      order_id: orderId,
      outcome,
      received_at: nowIso(),
    })
    return { duplicate: false, outcome }
  })
}

async function applyStripeEvent(
  trx: Db,
  event: Stripe.Event,
  options: { baseUrl: string },
): Promise<{ orderId: number | null; outcome: string }> {
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      const session = event.data.object
      const order = await orderOfSession(trx, session)
      if (!order) return { orderId: null, outcome: 'ignored: no Stripe order of this shop has this session' }
      if (session.payment_status !== 'paid')
        return { orderId: order.id, outcome: 'waiting: the payment completes later' }
      if (session.amount_total !== order.total || session.currency?.toUpperCase() !== order.currency) {
        return {
          orderId: order.id,
          outcome: `needs attention: Stripe took ${session.amount_total} ${session.currency}, the order is ${order.total} ${order.currency}`,
        }
      }
      const paid = await markOrderPaid(trx, order.id, options)
      return {
        orderId: order.id,
        outcome: paid.kind === 'paid' ? 'paid' : `needs attention: paid, but ${paidRefusal(paid)}`,
      }
    }
    case 'checkout.session.expired':
    case 'checkout.session.async_payment_failed': {
      const session = event.data.object
      const order = await orderOfSession(trx, session)
      if (!order) return { orderId: null, outcome: 'ignored: no Stripe order of this shop has this session' }
      // Only the order's own payment ending cancels it.
      if (session.id !== order.payment_session_id)
        return { orderId: order.id, outcome: 'ignored: not the order’s current payment' }
      const cancelled = await cancelOrder(trx, order.id, {
        reason:
          event.type === 'checkout.session.expired'
            ? 'The payment was not completed in time, so nothing was charged.'
            : 'The payment did not go through, so nothing was charged.',
        baseUrl: options.baseUrl,
      })
      return { orderId: order.id, outcome: cancelled.kind === 'cancelled' ? 'cancelled' : 'ignored: already settled' }
    }
    default:
      return { orderId: null, outcome: 'ignored: not an event the shop uses' }
  }
}

function paidRefusal(result: Awaited<ReturnType<typeof markOrderPaid>>): string {
  return result.kind === 'refused' ? result.message.toLowerCase() : 'the order is missing'
}

/** The order a session was opened for, by the id the shop put in its metadata. */
async function orderOfSession(db: Db, session: Stripe.Checkout.Session) {
  const id = Number(session.metadata?.order_id)
  if (!Number.isSafeInteger(id)) return null
  const order = await selectOrder(db, id)
  return order && order.payment_method === 'stripe' ? order : null
}
