import { createHash } from 'node:crypto'
import type { PaymentMethod } from './payment-methods.js'

/** What a provider needs to open a payment for an order. */
export interface PayableOrder {
  id: number
  number: number
  email: string
  total: number
  currency: string
  /** Secret; its hash (`paymentReference`) names the order at the provider. */
  access_token: string
  placed_at: string
}

/**
 * The order's name at the provider: unique in every shop (ids repeat when
 * two shops share a Stripe account), and not the secret link it is made from.
 */
export function paymentReference(order: { access_token: string }): string {
  return createHash('sha256').update(order.access_token).digest('hex').slice(0, 32)
}

/** A payment opened on the provider's page: the shopper is sent to `url` until `expiresAt`. */
export interface OpenedPayment {
  id: string
  url: string
  expiresAt: string
}

/** The provider could not be reached or refused the call; the order is unchanged. */
export class PaymentProviderError extends Error {
  override name = 'PaymentProviderError'
  constructor(
    message: string,
    /** True when trying again may work (no connection, the provider's own error, too many requests). */
    readonly temporary: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/**
 * A way of paying completed on the provider's own page (Stripe Checkout).
 * Bank transfer and pay on collection need no provider: staff mark those
 * orders paid. A hosted payment only ever becomes paid through the
 * provider's signed webhook, never through the shopper's return to the shop.
 */
export interface HostedPaymentProvider {
  readonly method: PaymentMethod
  /** Opens the one payment an order gets; asking again for the same order (from any process) gives the same payment. */
  open(order: PayableOrder, urls: { success: string; cancel: string }): Promise<OpenedPayment>
  /**
   * Stops an open payment so that it can no longer be paid: 'closed' when it
   * was stopped or had expired, 'completed' when the shopper has already paid
   * (or started a payment that completes later): the webhook then decides.
   */
  close(paymentId: string): Promise<'closed' | 'completed'>
  /**
   * Gives back `amount` of a paid order's payment (`paymentRef`, the
   * provider's id for it). The same `key` again makes no second refund.
   */
  refund(paymentRef: string, amount: number, key: string): Promise<{ id: string }>
  /** The smallest total the provider takes, in minor units; below it the method is not offered. */
  readonly minimumAmount: number
}
