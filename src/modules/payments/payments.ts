import type { StripeConfig } from '../../config.js'
import type { ShopSettings } from '../settings/settings.service.js'
import type { PaymentMethod } from './payment-methods.js'
import type { HostedPaymentProvider } from './payment-provider.js'
import { StripeCheckout } from './stripe-checkout.js'

/** The ways of paying this server can take, built once from its configuration. */
export interface Payments {
  /** The settings' payment methods, less those this server is not set up for (Stripe without its keys). */
  offered(shop: ShopSettings): PaymentMethod[]
  /** The provider of a method paid on the provider's page, or null for one staff mark paid. */
  hosted(method: string): HostedPaymentProvider | null
  /** Stripe, when this server has its keys: its webhook route checks signatures with it. */
  stripe: StripeCheckout | null
}

export function createPayments(stripe: StripeConfig | null): Payments {
  const checkout = stripe ? new StripeCheckout(stripe) : null
  const providers = new Map<string, HostedPaymentProvider>(checkout ? [['stripe', checkout]] : [])
  return {
    stripe: checkout,
    offered: (shop) => shop.paymentMethods.filter((method) => method !== 'stripe' || providers.has('stripe')),
    hosted: (method) => providers.get(method) ?? null,
  }
}
