import { createHash } from 'node:crypto'
import Stripe from 'stripe'
import type { StripeConfig } from '../../config.js'
import { HOSTED_UNPAID_MINUTES } from './payment-methods.js'
import {
  type HostedPaymentProvider,
  type OpenedPayment,
  type PayableOrder,
  PaymentProviderError,
} from './payment-provider.js'

/** Stripe refuses a session that expires less than 30 minutes after it is made; a minute's margin covers the trip. */
const SESSION_MINUTES = HOSTED_UNPAID_MINUTES + 1

/**
 * Stripe Checkout through the official library: a Checkout Session per order
 * (the shopper pays on Stripe's page), expiring the session before an unpaid
 * order is cancelled, and checking webhook signatures. Only these calls are
 * used, so a local stand-in can serve them in tests (STRIPE_API_URL).
 */
export class StripeCheckout implements HostedPaymentProvider {
  readonly method = 'stripe' as const
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
    // Whole minutes: two requests for the same order in the same minute send the same
    // parameters under the same idempotency key, and Stripe answers both with one session.
    const expiresAt = Math.ceil((Date.now() + SESSION_MINUTES * 60_000) / 60_000) * 60
    try {
      const session = await this.client.checkout.sessions.create(
        {
          mode: 'payment',
          customer_email: order.email,
          client_reference_id: String(order.number),
          metadata: { order_id: String(order.id), order_number: String(order.number) },
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
        // Not the order id alone: two shops (or a shop and its staging copy) may share one Stripe account.
        { idempotencyKey: `shopfront-order-${hash(order.access_token)}-${expiresAt}` },
      )
      if (!session.url) throw new PaymentProviderError('Stripe gave the session no payment page')
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
      throw new PaymentProviderError(`Stripe would not expire session ${paymentId} (${session.status})`)
    } catch (err) {
      throw providerError(err)
    }
  }

  /** The event a webhook carries, once the library has checked its signature and age; throws when they do not hold. */
  verifyEvent(body: Buffer, signature: string): Stripe.Event {
    return this.client.webhooks.constructEvent(body, signature, this.config.webhookSecret)
  }
}

/** The order's secret link stays in the shop; a hash of it is unique as well. */
function hash(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 24)
}

function providerError(err: unknown): PaymentProviderError {
  if (err instanceof PaymentProviderError) return err
  return new PaymentProviderError(`Stripe: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
}
