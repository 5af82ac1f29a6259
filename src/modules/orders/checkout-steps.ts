import { randomBytes } from 'node:crypto'
import type { Db } from '../../db/connection.js'
import { type Invalid, invalid, type Refused, refused } from '../../lib/outcomes.js'
import type { FieldErrors } from '../../lib/validation.js'
import { type CartOwner, findCartId } from '../cart/cart.service.js'
import { PAYMENT_METHOD_HINTS, PAYMENT_METHOD_LABELS, type PaymentMethod } from '../payments/payment-methods.js'
import type { Payments } from '../payments/payments.js'
import {
  type CheckoutDetailsForm,
  type DeliveryInput,
  type DiscountCodeInput,
  discountCodeText,
  type PaymentInput,
} from './checkout.forms.js'
import {
  type CheckoutState,
  type CheckoutSummary,
  checkoutSummary,
  chooseDelivery,
  choosePayment,
  collectionPoints,
  countryName,
  deliveryCountries,
  paymentChoices,
  placeOrderWording,
  type StepOutcome,
  submitDetails,
} from './checkout.service.js'
import { selectAddressesOfUser } from './orders.repository.js'
import { placeOrder } from './place-order.js'

/**
 * Checkout in four plain-form steps (address → delivery → payment → review),
 * each a page and a form that keeps the choice in the session and goes on to
 * the next. Every step shows every figure; going back shows what was entered;
 * a step reached before the ones it depends on sends the shopper to the
 * first of those. Placing the order takes the review page's one-time token.
 */
const STEPS = [
  { name: 'details', path: '/checkout', label: 'Details', template: 'checkout/address' },
  { name: 'delivery', path: '/checkout/delivery', label: 'Delivery', template: 'checkout/delivery' },
  { name: 'payment', path: '/checkout/payment', label: 'Payment', template: 'checkout/payment' },
  { name: 'review', path: '/checkout/review', label: 'Review', template: 'checkout/review' },
] as const

export type CheckoutStep = (typeof STEPS)[number]['name']

/** Who is checking out: whose cart, the customer when signed in, and what their session keeps of the checkout. */
export interface CheckoutVisit {
  owner: CartOwner
  user: { id: number; email: string; name: string } | null
  state: CheckoutState
  /** The order this session placed last, so the same form sent again finds it. */
  lastOrder?: { checkoutToken: string; accessToken: string } | undefined
}

/**
 * On to another page (303), told `flash` there; `state` is the checkout to
 * keep in the session from now on, and `placed` the order just placed.
 */
export type CheckoutMove = {
  kind: 'moved'
  to: string
  flash?: string
  state?: CheckoutState
  placed?: { checkoutToken: string; accessToken: string }
}

/** A refusal told on the page it sends the shopper back to: the cart, or the review page. */
export type CheckoutRefused = Refused & { back: string }

/** A step's page; `state`, when showing it changed the checkout (a new one-time token), is to be kept. */
export type CheckoutPage = { kind: 'page'; template: string; data: Record<string, unknown>; state?: CheckoutState }

/** A step's form that failed: what was sent, and a message per field. */
type Sent = { values: Record<string, string>; errors: FieldErrors }

type Ready = { kind: 'ready'; summary: CheckoutSummary; state: CheckoutState }

const emptyCart: CheckoutRefused = { ...refused('Your cart is empty: add something to check out.'), back: '/cart' }

/** What each step leaves done: an address, a delivery method the address can have, a payment method the shop offers. */
const STEP_DONE: ((state: CheckoutState, summary: CheckoutSummary, offered: PaymentMethod[]) => boolean)[] = [
  (state) => state.address !== undefined,
  (_state, summary) => summary.method !== null,
  (state, _summary, offered) => state.payment !== undefined && offered.includes(state.payment),
]

function summaryOf(db: Db, visit: CheckoutVisit, state: CheckoutState) {
  return findCartId(db, visit.owner).then((cartId) => checkoutSummary(db, cartId, state, visit.user?.id ?? null))
}

/** What a step needs: the cart's figures and the choices so far; or the empty cart, or the first step still to do before it. */
async function stepOf(
  db: Db,
  payments: Payments,
  visit: CheckoutVisit,
  step: number,
): Promise<Ready | CheckoutMove | CheckoutRefused> {
  const summary = await summaryOf(db, visit, visit.state)
  if (!summary) return emptyCart
  const offered = paymentChoices(summary, payments)
  for (let i = 0; i < step; i++) {
    if (!STEP_DONE[i]?.(visit.state, summary, offered)) return { kind: 'moved', to: STEPS[i]?.path ?? '/checkout' }
  }
  return { kind: 'ready', summary, state: visit.state }
}

/**
 * A step's page: the cart's figures beside the step's form, filled with what
 * was chosen before, or with what was just sent and its messages (`sent`).
 * `addressId`: a signed-in customer's saved address to fill the first step with.
 */
export async function checkoutPage(
  db: Db,
  payments: Payments,
  visit: CheckoutVisit,
  name: CheckoutStep,
  options: { addressId?: string; sent?: Sent } = {},
): Promise<CheckoutPage | CheckoutMove | CheckoutRefused> {
  const step = STEPS.findIndex((s) => s.name === name)
  const ready = await stepOf(db, payments, visit, step)
  if (ready.kind !== 'ready') return ready
  const { summary, state } = ready
  const { sent } = options
  const page = (data: Record<string, unknown>, kept?: CheckoutState): CheckoutPage => ({
    kind: 'page',
    template: STEPS[step]?.template ?? 'checkout/address',
    data: {
      title: `Checkout: ${STEPS[step]?.label}`,
      noindex: true,
      steps: STEPS,
      step,
      summary,
      countryName: (code: string) => countryName(code, summary.shop.locale),
      paymentLabels: PAYMENT_METHOD_LABELS,
      paymentHints: PAYMENT_METHOD_HINTS,
      errors: sent?.errors ?? {},
      ...data,
    },
    ...(kept && { state: kept }),
  })
  switch (name) {
    case 'details': {
      const choices = { countries: deliveryCountries(summary.shop), points: collectionPoints(summary.shop) }
      if (sent) return page({ ...choices, values: sent.values })
      return page({ ...choices, ...(await detailsValues(db, visit, summary, options.addressId)) })
    }
    case 'delivery':
      return page({
        values: sent ? {} : { method: state.method },
        address: state.address,
        collect: state.collect === true,
      })
    case 'payment':
      return page({ values: sent ? {} : { payment: state.payment }, methods: paymentChoices(summary, payments) })
    case 'review': {
      // The one-time token that makes placing the order idempotent: a fresh one unless this checkout has one.
      const token = state.token ?? randomBytes(24).toString('base64url')
      // stepOf has seen a payment that goes with this order.
      const wording = state.payment ? placeOrderWording(summary, state.payment) : null
      const values = sent ? { code: discountCodeText(sent.values.code) } : {}
      const data = { checkout: state, token, values, wording }
      return page(data, token === state.token ? undefined : { ...state, token })
    }
  }
}

/**
 * The first step's form as it was left, for a delivery to the shop's own
 * country by default; or filled with one of a signed-in customer's saved
 * addresses (theirs only), which they are offered.
 */
async function detailsValues(db: Db, visit: CheckoutVisit, summary: CheckoutSummary, addressId: string | undefined) {
  const { user, state } = visit
  const addresses = user ? await selectAddressesOfUser(db, user.id) : []
  const chosen = addresses.find((a) => String(a.id) === addressId)
  const entered = state.address
  const values = chosen
    ? { email: entered?.email ?? user?.email ?? '', ...chosen }
    : {
        ...(entered ?? { email: user?.email ?? '', name: user?.name ?? '', country: summary.shop.country }),
        // Collecting, whether chosen here or as the delivery: the same collection is checked again.
        receive: summary.collecting && summary.method ? `collect:${summary.method.id}` : 'delivery',
      }
  return { values, addresses }
}

/** A step's form, checked by its rule against the checkout so far: on to the next step, or its messages. */
async function takeStep(
  db: Db,
  payments: Payments,
  visit: CheckoutVisit,
  step: number,
  rule: (ready: Ready) => StepOutcome,
): Promise<CheckoutMove | CheckoutRefused | Invalid> {
  const ready = await stepOf(db, payments, visit, step)
  if (ready.kind !== 'ready') return ready
  const outcome = rule(ready)
  return outcome.ok ? { kind: 'moved', to: outcome.next, state: outcome.state } : invalid(outcome.errors)
}

/** The first step: who is buying, and delivered where or collected (see submitDetails). */
export function saveDetails(db: Db, payments: Payments, visit: CheckoutVisit, details: CheckoutDetailsForm) {
  return takeStep(db, payments, visit, 0, ({ summary, state }) => submitDetails(summary.shop, state, details))
}

/** The second step: how it is delivered, or where it is collected (see chooseDelivery). */
export function saveDelivery(db: Db, payments: Payments, visit: CheckoutVisit, input: DeliveryInput) {
  return takeStep(db, payments, visit, 1, ({ summary, state }) => chooseDelivery(summary.shop, state, input))
}

/** The third step: a way to pay that goes with the order (see choosePayment). */
export function savePayment(db: Db, payments: Payments, visit: CheckoutVisit, input: PaymentInput) {
  return takeStep(db, payments, visit, 2, ({ summary, state }) => choosePayment(summary, payments, state, input))
}

/**
 * A discount code entered or removed on the review page. A code is kept only
 * if it applies to this checkout now; it is checked again whenever the
 * figures are, and when the order is placed.
 */
export async function applyDiscountCode(
  db: Db,
  payments: Payments,
  visit: CheckoutVisit,
  input: DiscountCodeInput,
): Promise<CheckoutMove | CheckoutRefused | Invalid> {
  const ready = await stepOf(db, payments, visit, 3)
  if (ready.kind !== 'ready') return ready
  const review = STEPS[3].path
  if (input.remove) {
    const state = { ...ready.state, discountCode: undefined, token: undefined }
    return { kind: 'moved', to: review, flash: 'The discount code is removed.', state }
  }
  const entered = await withDiscountCode(db, visit, ready.state, input.code)
  if (entered.kind === 'invalid') return entered
  return { kind: 'moved', to: review, flash: `Code ${entered.code} is applied.`, state: entered.state }
}

/**
 * The checkout with `code` entered, if the code applies to it now (the
 * review page's rule, and the app's cart's); else the code's message.
 */
export async function withDiscountCode(
  db: Db,
  visit: CheckoutVisit,
  state: CheckoutState,
  code: string,
): Promise<{ kind: 'entered'; state: CheckoutState; code: string } | Invalid> {
  const next = { ...state, discountCode: code, token: undefined }
  const discount = (await summaryOf(db, visit, next))?.discount
  if (!discount || 'refused' in discount) return invalid({ code: discount?.refused ?? 'That code does not apply' })
  return { kind: 'entered', state: next, code: discount.applied.discount.code }
}

/**
 * Places the order the review page showed, with its one-time token: the same
 * token again (a double click, back and resubmit) is the same order, and a
 * token that is not this checkout's is an out-of-date page, on which nothing
 * is ordered. An order paid on the provider's page goes on to its payment.
 */
export async function placeCheckoutOrder(
  db: Db,
  payments: Payments,
  visit: CheckoutVisit,
  input: { token: string },
  baseUrl: string,
): Promise<CheckoutMove | CheckoutRefused> {
  const { token } = input
  const last = visit.lastOrder
  if (last && token && last.checkoutToken === token) return { kind: 'moved', to: `/orders/${last.accessToken}` }
  const review = STEPS[3].path
  if (!token || visit.state.token !== token) {
    const message =
      'This checkout page was out of date, so nothing was ordered. Check the details below and place the order again.'
    return { ...refused(message), back: review }
  }
  const ready = await stepOf(db, payments, visit, 3)
  if (ready.kind !== 'ready') return ready
  const { summary, state } = ready
  // stepOf has seen all three; the checks only tell the type checker.
  if (!state.address || !state.payment || !summary.method) return { kind: 'moved', to: STEPS[0].path }
  const result = await placeOrder(db, {
    cartId: await findCartId(db, visit.owner),
    userId: visit.user?.id ?? null,
    checkoutToken: token,
    details: {
      email: state.address.email,
      name: state.address.name,
      phone: state.address.phone,
      address: state.address,
      shippingMethodId: summary.method.id,
      paymentMethod: state.payment,
    },
    discountCode: state.discountCode ?? null,
    baseUrl,
    payments,
  })
  switch (result.kind) {
    case 'placed':
    case 'already_placed': {
      const order = `/orders/${result.order.access_token}`
      return {
        kind: 'moved',
        // Paid on the provider's page: on to it, by way of the order's own payment address.
        to: payments.hosted(result.order.payment_method) ? `${order}/payment` : order,
        state: { address: state.address },
        placed: { checkoutToken: token, accessToken: result.order.access_token },
      }
    }
    case 'sold_out':
      return { ...refused(soldOutMessage(result.items)), back: '/cart' }
    case 'refused':
      return { ...refused(result.message), back: review }
  }
}

function soldOutMessage(items: { title: string; available: number }[]): string {
  const short = items.map((item) =>
    item.available ? `Only ${item.available} × ${item.title} left.` : `${item.title} has sold out.`,
  )
  return `${short.join(' ')} Nothing was ordered: change the quantities in your cart and check out again.`
}
