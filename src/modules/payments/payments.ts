import type { StripeConfig } from '../../config.js'
import type { ShopSettings } from '../settings/settings.service.js'
import { isHostedMethod, type PaymentMethod } from './payment-methods.js'
import type { HostedPaymentProvider } from './payment-provider.js'
import { StripeCheckout } from './stripe-checkout.js'

/** The ways of paying this server can take, built once from its configuration. */
export interface Payments {
  /**
   * The settings' payment methods for an order of `total` (minor units), less
   * those this server is not set up for (Stripe without its keys) or that
   * cannot take the amount (a provider's minimum charge; nothing to pay).
   */
  offered(shop: ShopSettings, total: number): PaymentMethod[]
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
    offered: (shop, total) =>
      shop.paymentMethods.filter((method) => {
        if (!isHostedMethod(method)) return true
        const provider = providers.get(method)
        return provider !== undefined && total >= provider.minimumAmount
      }),
    hosted: (method) => providers.get(method) ?? null,
  }
}
