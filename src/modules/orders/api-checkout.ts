import { createHash } from 'node:crypto'
import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import { type Invalid, invalid, type Refused, refused } from '../../lib/outcomes.js'
import { validate } from '../../lib/validation.js'
import { type Idempotent, withIdempotencyKey } from '../api-access/idempotency.js'
import {
  type ApiCart,
  apiCartOwner,
  type CartAnswer,
  cartAnswer,
  renamed,
  saveApiCartState,
  type shippingOptionJson,
} from '../cart/cart.api.js'
import type { Payments } from '../payments/payments.js'
import { checkoutDetailsInput, deliveryInput, discountCodeInput, paymentInput } from './checkout.forms.js'
import { type CheckoutState, checkoutSummary } from './checkout.service.js'
import {
  type CheckoutMove,
  type CheckoutRefused,
  type CheckoutVisit,
  placeCheckoutOrder,
  saveDelivery,
  saveDetails,
  savePayment,
  withDiscountCode,
} from './checkout-steps.js'
import { orderPaymentPage } from './order-pages.js'
import { orderJson, orderJsonOf } from './orders.api.js'
import { selectOrderByCheckoutToken } from './orders.repository.js'
import type { Order } from './place-order.js'

/**
 * The HTML checkout's steps for an app's cart: the same step functions
 * (checkout-steps.ts) with the same forms' rules and messages, on the
 * checkout kept with the cart instead of in a session. The steps need not
 * come in order, but each needs the ones before it: shipping needs an
 * address, an order needs both; one asked for too early is refused (409)
 * naming the call to make first.
 */

/** PUT /carts/{id}/address: the first checkout step's form, field for field (checked by submitDetails). */
export const cartAddressBody = z.strictObject({
  ...checkoutDetailsInput.shape,
  receive: checkoutDetailsInput.shape.receive.describe(
    '`delivery` (the default) to have the order sent to the address, or `collect:<shipping option id>` to collect it: ' +
      'then only email, name and phone are needed.',
  ),
  country: checkoutDetailsInput.shape.country.describe('ISO 3166-1 alpha-2, one the shop delivers to.'),
})

/** PUT /carts/{id}/shipping: one of GET /carts/{id}/shipping-options. */
export const cartShippingBody = z.strictObject({ option_id: deliveryInput.shape.method })

/** PUT /carts/{id}/discount. */
export const cartDiscountBody = z.strictObject({ code: z.string({ error: 'Enter a discount code' }) })

/** POST /carts/{id}/order: a way to pay, one of those the shop knows (which this order may use is checked). */
export const cartOrderBody = z.strictObject({
  payment_method: paymentInput.shape.payment.describe(
    'One of the shop’s ways to pay that goes with the order’s shipping and total: the cart lists them as payment_methods.',
  ),
})
export type CartOrderBody = z.output<typeof cartOrderBody>

export const placedOrderJson = z.object({
  order: orderJson,
  order_url: z.string().describe('The order’s own page on the shop, for the customer (bank details, invoice).'),
  payment_url: z
    .string()
    .nullable()
    .describe(
      'For `stripe`: the page where the customer pays (Stripe Checkout; open it in a browser). ' +
        'Null for other ways of paying.',
    ),
})
export type PlacedOrderJson = z.output<typeof placedOrderJson>

function visitOf(cart: ApiCart): CheckoutVisit {
  return { owner: apiCartOwner(cart), user: null, state: cart.state }
}

/** What a step refused says to an app: the step's own words, or which call to make first. */
function stepRefusal(cart: ApiCart, outcome: CheckoutMove | CheckoutRefused): Refused {
  if (outcome.kind === 'refused') return refused(outcome.message)
  const base = `/api/v1/carts/${cart.cartId}`
  switch (outcome.to) {
    case '/checkout':
      return refused(`Give the address first: PUT ${base}/address.`)
    case '/checkout/delivery':
      return refused(`Choose a shipping option first: PUT ${base}/shipping.`)
    default:
      return refused(`Choose a way to pay: POST ${base}/order with a payment_method.`)
  }
}

/** A step's outcome on the cart: its new checkout kept and the cart answered, or the step's messages under the API's field names. */
async function afterStep(
  db: Db,
  payments: Payments,
  cart: ApiCart,
  outcome: CheckoutMove | CheckoutRefused | Invalid,
  fields: Record<string, string> = {},
): Promise<CartAnswer | Invalid | Refused> {
  if (outcome.kind === 'invalid') return invalid(renamed(outcome.errors, fields))
  if (outcome.kind === 'refused' || !outcome.state) return stepRefusal(cart, outcome)
  return cartAnswer(db, payments, await saveApiCartState(db, cart, outcome.state))
}

/** Who is buying and where it goes, or that it is collected: the HTML checkout's first step (saveDetails). */
export async function saveCartAddress(
  db: Db,
  payments: Payments,
  cart: ApiCart,
  body: z.output<typeof cartAddressBody>,
) {
  return afterStep(db, payments, cart, await saveDetails(db, payments, visitOf(cart), body))
}

/** The shipping options for the cart's address (collection points only, for a cart that is collected), priced for it. */
export async function cartShippingOptions(
  db: Db,
  cart: ApiCart,
): Promise<{ kind: 'options'; options: z.output<typeof shippingOptionJson>[] } | Refused> {
  const summary = await checkoutSummary(db, cart.cartId, cart.state)
  if (!summary) return refused('Your cart is empty: add something to check out.')
  if (!cart.state.address) return stepRefusal(cart, { kind: 'moved', to: '/checkout' })
  return {
    kind: 'options',
    options: summary.options.map((option) => ({
      id: option.method.id,
      name: option.method.name,
      kind: option.method.kind,
      price: option.price,
    })),
  }
}

/** One of the address's shipping options: the HTML checkout's second step (saveDelivery). */
export async function chooseCartShipping(
  db: Db,
  payments: Payments,
  cart: ApiCart,
  body: z.output<typeof cartShippingBody>,
) {
  const outcome = await saveDelivery(db, payments, visitOf(cart), { method: body.option_id })
  return afterStep(db, payments, cart, outcome, { method: 'option_id' })
}

/** A discount code, kept only if it applies to the cart now (the review page's rule); checked again when ordering. */
export async function applyCartDiscount(
  db: Db,
  payments: Payments,
  cart: ApiCart,
  body: z.output<typeof cartDiscountBody>,
): Promise<CartAnswer | Invalid | Refused> {
  const checked = validate(discountCodeInput, { code: body.code })
  if (!checked.ok) return invalid(checked.errors)
  if (!(await checkoutSummary(db, cart.cartId, cart.state))) {
    return refused('Your cart is empty: add something to check out.')
  }
  const entered = await withDiscountCode(db, visitOf(cart), cart.state, checked.value.code)
  if (entered.kind === 'invalid') return entered
  return cartAnswer(db, payments, await saveApiCartState(db, cart, entered.state))
}

export async function removeCartDiscount(db: Db, payments: Payments, cart: ApiCart): Promise<CartAnswer> {
  const state: CheckoutState = { ...cart.state, discountCode: undefined }
  return cartAnswer(db, payments, await saveApiCartState(db, cart, state))
}

/**
 * The checkout token placeOrder dedupes by, made from the cart and the
 * idempotency key: a retry that finds no kept answer (its first try's
 * process stopped after placing) still finds the order, not a second one.
 * Within the column's 64 characters.
 */
function checkoutTokenOf(cart: ApiCart, key: string): string {
  return `api-${createHash('sha256').update(`${cart.cartId}\n${key}`).digest('base64url')}`
}

export type PlacedOrder = Idempotent<PlacedOrderJson> & {
  /** Stripe did not open the payment now; the order stands and payment_url opens it later. For the log. */
  paymentError?: Error
}

type Placed = { kind: 'answer'; status: 201; body: PlacedOrderJson; paymentError?: Error | undefined }

/**
 * Places the cart's order once per idempotency key, as the HTML checkout
 * places it (placeCheckoutOrder: the same prices, tax, shipping, stock and
 * refusals): first the way to pay is checked as the payment step checks it
 * (savePayment), then the order is placed with a checkout token made from
 * the cart and the key. The answer is kept with the key, so a retry gets it
 * again after the cart was emptied by the order. For Stripe the payment is
 * opened after the order is placed, as the browser's next page does.
 */
export async function placeCartOrder(
  db: Db,
  payments: Payments,
  cart: ApiCart,
  input: { body: CartOrderBody; key: string; baseUrl: string },
): Promise<PlacedOrder | Invalid | Refused> {
  let paymentError: Error | undefined
  const result = await withIdempotencyKey(
    db,
    { scope: `cart:${cart.cartId}`, key: input.key, body: input.body },
    async () => {
      const placed = await placeOnce(db, payments, cart, input)
      if (placed.kind === 'answer') paymentError = placed.paymentError
      return placed
    },
  )
  return paymentError && result.kind === 'answered' ? { ...result, paymentError } : result
}

async function placeOnce(
  db: Db,
  payments: Payments,
  cart: ApiCart,
  input: { body: CartOrderBody; key: string; baseUrl: string },
): Promise<Placed | Invalid | Refused> {
  const token = checkoutTokenOf(cart, input.key)
  // Placed by an earlier try whose answer was not kept (its process stopped): that order, though the cart is empty now.
  const earlier = await selectOrderByCheckoutToken(db, token)
  if (earlier) return placedAnswer(db, payments, earlier, input.baseUrl)
  const visit = visitOf(cart)
  const chosen = await savePayment(db, payments, visit, { payment: input.body.payment_method })
  if (chosen.kind === 'invalid') return invalid(renamed(chosen.errors, { payment: 'payment_method' }))
  if (chosen.kind === 'refused' || !chosen.state) return stepRefusal(cart, chosen)
  const state = { ...chosen.state, token }
  const placed = await placeCheckoutOrder(db, payments, { ...visit, state }, { token }, input.baseUrl)
  if (placed.kind === 'refused' || !placed.placed) return stepRefusal(cart, placed)
  // As the browser's session keeps it after an order: the address, for the next one.
  await saveApiCartState(db, cart, placed.state ?? {})
  const order = await selectOrderByCheckoutToken(db, token)
  if (!order) throw new Error('the order just placed was not found by its checkout token')
  return placedAnswer(db, payments, order, input.baseUrl)
}

/** The placed order as the API answers it, with the Stripe page to pay on for a card order. */
async function placedAnswer(db: Db, payments: Payments, order: Order, baseUrl: string): Promise<Placed> {
  const orderUrl = `${baseUrl}/orders/${order.access_token}`
  let paymentUrl: string | null = null
  let paymentError: Error | undefined
  if (payments.hosted(order.payment_method)) {
    const payment = await orderPaymentPage(db, payments, order.access_token, baseUrl)
    if (payment.kind === 'notice') paymentError = payment.error
    // Not opened now (Stripe did not answer): the order's own payment address opens it, or says why not.
    paymentUrl = payment.kind === 'provider' ? payment.to : `${orderUrl}/payment`
  }
  const body = { order: await orderJsonOf(db, order), order_url: orderUrl, payment_url: paymentUrl }
  return { kind: 'answer', status: 201, body, paymentError }
}
