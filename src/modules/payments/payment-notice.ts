import type { Order } from '../orders/place-order.js'
import type { PaymentPage } from './payment.service.js'
import { isHostedMethod } from './payment-methods.js'

/**
 * What the order page says about a payment on the provider's page: pay now,
 * the payment is being confirmed (back from Stripe, before its webhook), the
 * provider did not answer or refused, or the time to pay has run out.
 */
export type PaymentNotice = 'awaiting' | 'confirming' | 'unavailable' | 'refused' | 'expired'

/**
 * The notice for an order, or null when it has nothing to pay on a provider's
 * page. `returned`: the shopper is back from the provider, whose webhook
 * alone makes the order paid; `notice`: what opening the payment just gave.
 */
export function paymentNotice(order: Order, options: { returned?: boolean; notice?: PaymentNotice }) {
  const unpaid = isHostedMethod(order.payment_method) && order.payment_status === 'pending' && !order.cancelled_at
  if (!unpaid) return null
  return options.notice ?? (options.returned ? 'confirming' : 'awaiting')
}

/**
 * The order page's status and notice when its payment could not be opened:
 * the time to pay ran out (410), the provider could not be reached (503, try
 * again soon) or refused (502: a bad key, an amount it will not take; staff
 * must act).
 */
export function unopenedPayment(page: Extract<PaymentPage, { kind: 'expired' | 'unavailable' }>) {
  if (page.kind === 'expired') return { status: 410, notice: 'expired' } as const
  return page.temporary
    ? ({ status: 503, notice: 'unavailable', retryAfter: 60 } as const)
    : ({ status: 502, notice: 'refused' } as const)
}
