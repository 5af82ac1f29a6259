import type Stripe from 'stripe'
import { type Db, inTransaction } from '../../db/connection.js'
import { nowIso } from '../../lib/time.js'
import { enqueueEmail } from '../mail/mail.service.js'
import { cancelOrder, markOrderPaid } from '../orders/order-changes.js'
import { insertOrderEvent, selectOrder, setPaymentProviderRef } from '../orders/orders.repository.js'
import type { Order } from '../orders/place-order.js'
import { getShopSettings } from '../settings/settings.service.js'
import { HOSTED_UNPAID_MINUTES } from './payment-methods.js'
import { PaymentProviderError, paymentReference } from './payment-provider.js'
import type { Payments } from './payments.js'
import { insertPaymentEvent, savePaymentSession, selectPaymentEvent } from './payments.repository.js'

export type PaymentPage =
  | { kind: 'redirect'; url: string }
  /** Nothing to pay here: paid, cancelled, or paid some other way. */
  | { kind: 'settled' }
  /** The time to pay has run out; the order jobs cancel it. */
  | { kind: 'expired' }
  /** The provider did not answer or refused; nothing changed. `temporary`: trying again may work. */
  | { kind: 'unavailable'; temporary: boolean; error: PaymentProviderError }

/**
 * Where the shopper pays an order paid on a provider's page: the one payment
 * the order gets at the provider (opened now, or again: the provider gives
 * back the same one). After the order's time to pay, never: the order jobs
 * close its payment and cancel it.
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
  if (Date.parse(order.placed_at) + HOSTED_UNPAID_MINUTES * 60_000 <= now.getTime()) return { kind: 'expired' }
  if (order.payment_session_url) return { kind: 'redirect', url: order.payment_session_url }
  try {
    const opened = await provider.open(order, urls)
    if (await savePaymentSession(db, order.id, opened, nowIso())) return { kind: 'redirect', url: opened.url }
    // Paid or cancelled while the provider answered: that payment must not stay open.
    await provider.close(opened.id)
    return { kind: 'settled' }
  } catch (err) {
    if (err instanceof PaymentProviderError) return { kind: 'unavailable', temporary: err.temporary, error: err }
    throw err
  }
}

export interface HandledEvent {
  /** Seen before: nothing was done again. */
  duplicate: boolean
  outcome: string
  /** The shop has been told by email (a payment it could not apply). */
  attention: boolean
}

/**
 * Acts on a Stripe event whose signature has been checked: a completed
 * payment marks its order paid, an expired or failed one cancels it. Each
 * event is handled once: it is written down in the same transaction as what
 * it changed, so an event Stripe sends again finds itself and changes nothing.
 * Money taken that cannot be applied (an amount that differs, an order
 * cancelled meanwhile) is left alone and the shop is emailed to refund it.
 */
export async function handleStripeEvent(
  db: Db,
  event: Stripe.Event,
  options: { baseUrl: string },
): Promise<HandledEvent> {
  return inTransaction(db, async (trx) => {
    const known = await selectPaymentEvent(trx, 'stripe', event.id)
    if (known) return { duplicate: true, outcome: known.outcome, attention: false }
    const { order, outcome, attention } = await applyStripeEvent(trx, event, options)
    await insertPaymentEvent(trx, {
      provider: 'stripe',
      event_id: event.id,
      type: event.type,
      order_id: order?.id ?? null,
      outcome,
      received_at: nowIso(),
    })
    if (attention && order) await alertShop(trx, order, outcome, options.baseUrl)
    // Paid and cancelled write their own lines in the order's timeline; anything else Stripe said goes there too.
    if (order && outcome !== 'paid' && outcome !== 'cancelled') {
      await insertOrderEvent(trx, {
        order_id: order.id,
        kind: 'payment',
        message: `Stripe: ${event.type}, ${outcome}.`,
        at: nowIso(),
      })
    }
    return { duplicate: false, outcome, attention: attention && order !== null }
  })
}

type Applied = { order: Order | null; outcome: string; attention: boolean }

async function applyStripeEvent(trx: Db, event: Stripe.Event, options: { baseUrl: string }): Promise<Applied> {
  const ignored = (order: Order | null, why: string): Applied => ({
    order,
    outcome: `ignored: ${why}`,
    attention: false,
  })
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      const session = event.data.object
      const order = await orderOfSession(trx, session)
      if (!order) return ignored(null, 'not a Stripe order of this shop')
      if (session.payment_status !== 'paid')
        return { order, outcome: 'waiting: the payment completes later', attention: false }
      const attention = (why: string): Applied => ({ order, outcome: `needs attention: ${why}`, attention: true })
      if (session.amount_total !== order.total || session.currency?.toUpperCase() !== order.currency) {
        return attention(
          `Stripe took ${session.amount_total} ${session.currency?.toUpperCase()}, the order is ${order.total} ${order.currency}`,
        )
      }
      const paid = await markOrderPaid(trx, order.id, options)
      if (paid.kind === 'paid') {
        // Refunds name the payment by Stripe's id for it.
        const intent = typeof session.payment_intent === 'string' ? session.payment_intent : session.payment_intent?.id
        if (intent) await setPaymentProviderRef(trx, order.id, intent)
        return { order, outcome: 'paid', attention: false }
      }
      if (order.payment_status === 'paid') return ignored(order, 'already paid')
      return attention(`paid on Stripe, but ${paid.kind === 'refused' ? paid.message : 'the order is missing'}`)
    }
    case 'checkout.session.expired':
    case 'checkout.session.async_payment_failed': {
      const session = event.data.object
      const order = await orderOfSession(trx, session)
      if (!order) return ignored(null, 'not a Stripe order of this shop')
      // Only the end of the order's own payment cancels it, and only while it is unpaid.
      if (session.id !== order.payment_session_id) return ignored(order, 'not the order’s payment')
      const cancelled = await cancelOrder(trx, order.id, {
        reason:
          event.type === 'checkout.session.expired'
            ? 'The payment was not completed in time, so nothing was charged.'
            : 'The payment did not go through, so nothing was charged.',
        baseUrl: options.baseUrl,
        unpaid: { paymentSessionId: session.id },
      })
      return cancelled.kind === 'cancelled'
        ? { order, outcome: 'cancelled', attention: false }
        : ignored(order, 'already settled')
    }
    default:
      return ignored(null, 'not an event the shop uses')
  }
}

/**
 * The order a session was opened for: by the id in its metadata, and only
 * if the reference there is this order's (shops sharing a Stripe account
 * receive each other's events, and their order ids repeat).
 */
async function orderOfSession(db: Db, session: Stripe.Checkout.Session): Promise<Order | null> {
  const id = Number(session.metadata?.order_id)
  if (!Number.isSafeInteger(id)) return null
  const order = await selectOrder(db, id)
  if (order?.payment_method !== 'stripe') return null
  return session.metadata?.order_reference === paymentReference(order) ? order : null
}

/** Emails the shop about money Stripe took that the shop could not apply, so staff refund or sort it out. */
async function alertShop(db: Db, order: Order, outcome: string, baseUrl: string) {
  const shop = await getShopSettings(db)
  if (!shop.contactEmail) return
  await enqueueEmail(db, {
    template: 'payment-attention',
    to: shop.contactEmail,
    subject: `A card payment for order #${order.number} needs attention`,
    data: { order, outcome },
    shop,
    baseUrl,
  })
}
