import Stripe from 'stripe'
import type { StripeConfig } from '../../config.js'
import {
  type HostedPaymentProvider,
  type OpenedPayment,
  type PayableOrder,
  PaymentProviderError,
  paymentReference,
} from './payment-provider.js'

/**
 * A session's own expiry, counted from when the order was placed. Stripe
 * wants it 30 minutes to 24 hours after the session is made, and the session
 * is made within the order's 30 minutes to pay, so two hours always fits. The
 * order jobs expire the session at 30 minutes anyway.
 */
const SESSION_EXPIRES_AFTER_MS = 2 * 60 * 60_000

/**
 * Stripe Checkout through the official library: a Checkout Session per order
 * (the shopper pays on Stripe's page), expiring the session before an unpaid
 * order is cancelled, and checking webhook signatures. Only these calls are
 * used, so a local stand-in can serve them in tests (STRIPE_API_URL).
 */
export class StripeCheckout implements HostedPaymentProvider {
  readonly method = 'stripe' as const
  /** Stripe's smallest charge is 30p to 50 cents in most currencies; 50 minor units clears them all. */
  readonly minimumAmount = 50
  private readonly client: Stripe

  constructor(private readonly config: StripeConfig) {
    const api = config.apiUrl
    this.client = new Stripe(config.secretKey, {
      // A shopper waits on this call: give up in time to tell them, retrying (idempotently) on the way.
      timeout: 10_000,
      maxNetworkRetries: 2,
      telemetry: false,
      ...(api
        ? {
            host: api.hostname,
            port: api.port || (api.protocol === 'https:' ? 443 : 80),
            protocol: api.protocol === 'https:' ? 'https' : 'http',
          }
        : {}),
    })
  }

  async open(order: PayableOrder, urls: { success: string; cancel: string }): Promise<OpenedPayment> {
    const reference = paymentReference(order)
    // Everything sent is fixed by the order, under one key per order: however many requests
    // (double clicks, several processes, the library's retries), Stripe makes one session for it.
    const expiresAt = Math.floor((Date.parse(order.placed_at) + SESSION_EXPIRES_AFTER_MS) / 1000)
    try {
      const session = await this.client.checkout.sessions.create(
        {
          mode: 'payment',
          customer_email: order.email,
          client_reference_id: String(order.number),
          metadata: { order_id: String(order.id), order_number: String(order.number), order_reference: reference },
          // One line for the whole order: the shop has already priced it, tax, delivery and discounts included.
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: order.currency.toLowerCase(),
                unit_amount: order.total,
                product_data: { name: `Order #${order.number}` },
              },
            },
          ],
          success_url: urls.success,
          cancel_url: urls.cancel,
          expires_at: expiresAt,
        },
        { idempotencyKey: `shopfront-order-${reference}` },
      )
      if (!session.url) throw new PaymentProviderError('Stripe gave the session no payment page', false)
      return { id: session.id, url: session.url, expiresAt: new Date(expiresAt * 1000).toISOString() }
    } catch (err) {
      throw providerError(err)
    }
  }

  async close(paymentId: string): Promise<'closed' | 'completed'> {
    try {
      await this.client.checkout.sessions.expire(paymentId)
      return 'closed'
    } catch (err) {
      // Only an open session can be expired; any other is either paid (or paying) or already expired.
      if (!(err instanceof Stripe.errors.StripeInvalidRequestError)) throw providerError(err)
    }
    try {
      const session = await this.client.checkout.sessions.retrieve(paymentId)
      if (session.status === 'expired') return 'closed'
      if (session.status === 'complete') return 'completed'
      throw new PaymentProviderError(`Stripe would not expire session ${paymentId} (${session.status})`, true)
    } catch (err) {
      throw providerError(err)
    }
  }

  async refund(paymentRef: string, amount: number, key: string): Promise<{ id: string }> {
    try {
      const refund = await this.client.refunds.create({ payment_intent: paymentRef, amount }, { idempotencyKey: key })
      return { id: refund.id }
    } catch (err) {
      throw providerError(err)
    }
  }

  /** The event a webhook carries, once the library has checked its signature and age; throws when they do not hold. */
  verifyEvent(body: Buffer, signature: string): Stripe.Event {
    return this.client.webhooks.constructEvent(body, signature, this.config.webhookSecret)
  }
}

function providerError(err: unknown): PaymentProviderError {
  if (err instanceof PaymentProviderError) return err
  // Worth another try: no connection, Stripe's own trouble, too many requests, a clash of concurrent requests.
  const temporary =
    err instanceof Stripe.errors.StripeConnectionError ||
    err instanceof Stripe.errors.StripeAPIError ||
    err instanceof Stripe.errors.StripeRateLimitError ||
    (err instanceof Stripe.errors.StripeError && (err.statusCode === 409 || (err.statusCode ?? 500) >= 500)) ||
    !(err instanceof Stripe.errors.StripeError)
  return new PaymentProviderError(`Stripe: ${err instanceof Error ? err.message : String(err)}`, temporary, {
    cause: err,
  })
}
