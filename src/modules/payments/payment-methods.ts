import type { ShippingRate } from '../pricing/shipping.js'

/** Every way of paying the shop knows; the settings choose which are offered. */
export const PAYMENT_METHODS = ['stripe', 'bank_transfer', 'pay_on_pickup'] as const

export type PaymentMethod = (typeof PAYMENT_METHODS)[number]

/** What the checkout, order pages and emails call each way of paying. */
export const PAYMENT_METHOD_LABELS: Record<PaymentMethod, string> = {
  stripe: 'Card',
  bank_transfer: 'Bank transfer',
  pay_on_pickup: 'Pay on collection',
}

/** One line under each choice at checkout. */
export const PAYMENT_METHOD_HINTS: Record<PaymentMethod, string> = {
  stripe: 'Pay by card on Stripe’s secure page; your order is sent as soon as the payment is confirmed.',
  bank_transfer:
    'We show our bank details on the next page and in the email; we send the order when the money arrives.',
  pay_on_pickup: 'Pay in person when you collect the order.',
}

/**
 * The kinds of delivery each way of paying goes with (`'any'`: every kind).
 * Paying in person needs the shopper at the counter, and no carrier takes
 * money for the shop: paying on collection goes with collection only. The
 * checkout offers, and placing an order accepts, only the ways that go with
 * the delivery chosen.
 */
export const PAYMENT_METHOD_DELIVERIES: Record<PaymentMethod, readonly ShippingRate['kind'][] | 'any'> = {
  stripe: 'any',
  bank_transfer: 'any',
  pay_on_pickup: ['pickup'],
}

/**
 * Ways of paying completed on the provider's own page. Their orders are
 * confirmed to the customer once paid, not when placed, and an order left
 * unpaid for this long is cancelled, its stock returned.
 */
export const HOSTED_UNPAID_MINUTES = 30

export function isHostedMethod(method: string): boolean {
  return method === 'stripe'
}
