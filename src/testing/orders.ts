import type { Db } from '../db/connection.js'
import { addToCart } from '../modules/cart/cart.service.js'
import type { CheckoutDetails } from '../modules/orders/place-order.js'
import { placeOrder } from '../modules/orders/place-order.js'
import { createPayments, type Payments } from '../modules/payments/payments.js'

/** A server without Stripe keys: bank transfer and pay on collection. */
export const OFFLINE_PAYMENTS = createPayments(null)

/** A UK guest paying by bank transfer, sent by the demo shop's Tracked 48. */
export const TEST_CHECKOUT: CheckoutDetails = {
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  phone: '',
  address: { line1: '1 Marsh Lane', line2: '', city: 'Bristol', postcode: 'BS1 4DJ', country: 'GB' },
  shippingMethodId: 'uk-standard',
  paymentMethod: 'bank_transfer',
}

/** A new cart of `quantity` of one variant, checked out at once; throws unless an order was placed. */
export async function placeTestOrder(
  db: Db,
  variantId: number,
  options: {
    token: string
    quantity?: number
    userId?: number | null
    details?: Partial<CheckoutDetails>
    payments?: Payments
  },
) {
  const userId = options.userId ?? null
  const added = await addToCart(
    db,
    { userId, sessionCartId: null },
    { variant_id: variantId, quantity: options.quantity ?? 1 },
  )
  if (added.kind !== 'added') throw new Error(`could not add to the cart: ${JSON.stringify(added)}`)
  const result = await placeOrder(db, {
    cartId: added.cartId,
    userId,
    checkoutToken: options.token,
    details: {
      ...TEST_CHECKOUT,
      // Paying on collection goes with collection only: such an order is collected, unless the test says otherwise.
      ...(options.details?.paymentMethod === 'pay_on_pickup' ? { shippingMethodId: 'pickup' } : {}),
      ...options.details,
    },
    baseUrl: 'http://localhost',
    payments: options.payments ?? OFFLINE_PAYMENTS,
  })
  if (result.kind !== 'placed') throw new Error(`no order: ${JSON.stringify(result)}`)
  return result.order
}
