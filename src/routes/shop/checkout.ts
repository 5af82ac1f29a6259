import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { validate } from '../../lib/validation.js'
import { findCartId } from '../../modules/cart/cart.service.js'
import { checkoutAddressInput, deliveryInput, paymentInput } from '../../modules/orders/checkout.forms.js'
import {
  type CheckoutState,
  type CheckoutSummary,
  checkoutSummary,
  countryName,
  deliveryCountries,
  findShippingMethod,
} from '../../modules/orders/checkout.service.js'
import { selectAddressesOfUser } from '../../modules/orders/orders.repository.js'
import { placeOrder } from '../../modules/orders/place-order.js'
import {
  PAYMENT_METHOD_HINTS,
  PAYMENT_METHOD_LABELS,
  type PaymentMethod,
} from '../../modules/payments/payment-methods.js'
import { siteOrigin } from '../../plugins/csrf.js'

const STEPS = [
  { path: '/checkout', label: 'Address' },
  { path: '/checkout/delivery', label: 'Delivery' },
  { path: '/checkout/payment', label: 'Payment' },
  { path: '/checkout/review', label: 'Review' },
] as const

/**
 * Checkout in four plain-form steps (address → delivery → payment → review),
 * each a GET page and a POST that stores the choice in the session and
 * redirects to the next step. Every step shows every figure; going back
 * shows what was entered. Placing the order is POST /checkout/orders with the
 * review page's one-time token.
 */
export default async function checkoutRoutes(app: FastifyInstance) {
  const state = (request: FastifyRequest): CheckoutState =>
    (request.hasSession() ? request.session.get('checkout') : undefined) ?? {}
  const save = (request: FastifyRequest, next: CheckoutState) => request.session.set('checkout', next)

  /** The cart's figures, or a redirect to the cart when there is nothing to check out. */
  async function summaryOr(request: FastifyRequest, reply: FastifyReply): Promise<CheckoutSummary | null> {
    const summary = await checkoutSummary(
      app.db,
      await findCartId(app.db, request.cartOwner()),
      state(request),
      request.user?.id ?? null,
    )
    if (!summary) {
      if (request.hasSession() || request.method !== 'GET')
        request.flash('error', 'Your cart is empty: add something to check out.')
      await reply.redirect('/cart', 303)
    }
    return summary
  }

  /**
   * What a step needs: the cart's figures and the choices so far. A step
   * reached before the ones it depends on sends the shopper to the first of
   * those (and an empty cart to the cart); null then, with the reply sent.
   */
  async function stepOr(request: FastifyRequest, reply: FastifyReply, step: number) {
    const summary = await summaryOr(request, reply)
    if (!summary) return null
    const current = state(request)
    const missing = missingBefore(
      step,
      current,
      summary,
      app.payments.offered(summary.shop, summary.priced.totals.total),
    )
    if (missing) {
      await reply.redirect(missing, 303)
      return null
    }
    return { summary, current }
  }

  function page(
    reply: FastifyReply,
    step: number,
    template: string,
    summary: CheckoutSummary,
    data: Record<string, unknown>,
  ) {
    reply.header('cache-control', 'private, no-store')
    return reply.render(template, {
      title: `Checkout: ${STEPS[step]?.label}`,
      noindex: true,
      steps: STEPS,
      step,
      summary,
      countryName: (code: string) => countryName(code, summary.shop.locale),
      paymentLabels: PAYMENT_METHOD_LABELS,
      paymentHints: PAYMENT_METHOD_HINTS,
      errors: {},
      ...data,
    })
  }

  // Step 1: contact and address.
  app.get<{ Querystring: { address?: string } }>('/checkout', async (request, reply) => {
    const summary = await summaryOr(request, reply)
    if (!summary) return reply
    // A signed-in customer's saved addresses; ?address=<id> fills the form with one of them (theirs only).
    const addresses = request.user ? await selectAddressesOfUser(app.db, request.user.id) : []
    const chosen = addresses.find((a) => String(a.id) === request.query.address)
    const entered = state(request).address
    const values = chosen
      ? { email: entered?.email ?? request.user?.email ?? '', ...chosen }
      : (entered ?? { email: request.user?.email ?? '', name: request.user?.name ?? '', country: summary.shop.country })
    return page(reply, 0, 'shop/checkout/address', summary, {
      values,
      addresses,
      countries: deliveryCountries(summary.shop),
    })
  })

  app.post('/checkout', async (request, reply) => {
    const summary = await summaryOr(request, reply)
    if (!summary) return reply
    const countries = deliveryCountries(summary.shop)
    const checked = validate(checkoutAddressInput(countries.map((c) => c.code)), request.body)
    if (!checked.ok) {
      reply.code(422)
      return page(reply, 0, 'shop/checkout/address', summary, {
        values: request.body ?? {},
        countries,
        errors: checked.errors,
      })
    }
    const current = state(request)
    // A new country may not offer the delivery chosen before.
    const method = findShippingMethod(summary.shop, checked.value.country, current.method) ? current.method : undefined
    save(request, { ...current, address: checked.value, method, token: undefined })
    return reply.redirect('/checkout/delivery', 303)
  })

  // Step 2: delivery.
  app.get('/checkout/delivery', async (request, reply) => {
    const step = await stepOr(request, reply, 1)
    if (!step) return reply
    const { summary, current } = step
    return page(reply, 1, 'shop/checkout/delivery', summary, {
      values: { method: current.method },
      address: current.address,
    })
  })

  app.post('/checkout/delivery', async (request, reply) => {
    const step = await stepOr(request, reply, 1)
    if (!step) return reply
    const { summary, current } = step
    if (!current.address) return reply.redirect('/checkout', 303)
    const checked = validate(deliveryInput, request.body)
    const method = checked.ok ? findShippingMethod(summary.shop, current.address.country, checked.value.method) : null
    if (!method) {
      reply.code(422)
      return page(reply, 1, 'shop/checkout/delivery', summary, {
        values: {},
        address: current.address,
        errors: {
          method: checked.ok
            ? 'Choose one of the ways we deliver to your address'
            : (checked.errors.method ?? 'Choose how you would like it delivered'),
        },
      })
    }
    save(request, { ...current, method: method.id, token: undefined })
    return reply.redirect('/checkout/payment', 303)
  })

  // Step 3: payment.
  app.get('/checkout/payment', async (request, reply) => {
    const step = await stepOr(request, reply, 2)
    if (!step) return reply
    const { summary, current } = step
    return page(reply, 2, 'shop/checkout/payment', summary, {
      values: { payment: current.payment },
      methods: app.payments.offered(summary.shop, summary.priced.totals.total),
    })
  })

  app.post('/checkout/payment', async (request, reply) => {
    const step = await stepOr(request, reply, 2)
    if (!step) return reply
    const { summary, current } = step
    const checked = validate(paymentInput, request.body)
    const offered = app.payments.offered(summary.shop, summary.priced.totals.total)
    if (!checked.ok || !offered.includes(checked.value.payment)) {
      reply.code(422)
      return page(reply, 2, 'shop/checkout/payment', summary, {
        values: {},
        methods: offered,
        errors: { payment: 'Choose one of the ways to pay' },
      })
    }
    save(request, { ...current, payment: checked.value.payment, token: undefined })
    return reply.redirect('/checkout/review', 303)
  })

  // Step 4: review, and the one-time token that makes placing the order idempotent.
  /** The review page, with a fresh one-time token unless this checkout already has one. */
  function review(
    request: FastifyRequest,
    reply: FastifyReply,
    summary: CheckoutSummary,
    errors: Record<string, string> = {},
    values: Record<string, unknown> = {},
  ) {
    const current = state(request)
    const token = current.token ?? randomBytes(24).toString('base64url')
    if (token !== current.token) save(request, { ...current, token })
    return page(reply, 3, 'shop/checkout/review', summary, { checkout: current, token, errors, values })
  }

  app.get('/checkout/review', async (request, reply) => {
    const step = await stepOr(request, reply, 3)
    return step ? review(request, reply, step.summary) : reply
  })

  // A discount code, entered or removed on the review page; it is checked again whenever the figures are.
  app.post<{ Body: { code?: unknown; remove?: unknown } }>('/checkout/discount', async (request, reply) => {
    const step = await stepOr(request, reply, 3)
    if (!step) return reply
    const { summary, current } = step
    if (request.body?.remove !== undefined) {
      save(request, { ...current, discountCode: undefined, token: undefined })
      request.flash('success', 'The discount code is removed.')
      return reply.redirect('/checkout/review', 303)
    }
    const code = typeof request.body?.code === 'string' ? request.body.code.trim().slice(0, 40) : ''
    if (!code) return review(request, reply.code(422), summary, { code: 'Enter a discount code' }, { code })
    const next = { ...current, discountCode: code, token: undefined }
    const tried = await checkoutSummary(
      app.db,
      await findCartId(app.db, request.cartOwner()),
      next,
      request.user?.id ?? null,
    )
    if (!tried?.discount || 'refused' in tried.discount) {
      const message =
        tried?.discount && 'refused' in tried.discount ? tried.discount.refused : 'That code does not apply'
      return review(request, reply.code(422), summary, { code: message }, { code })
    }
    save(request, next)
    request.flash('success', `Code ${tried.discount.applied.discount.code} is applied.`)
    return reply.redirect('/checkout/review', 303)
  })

  app.post<{ Body: { token?: unknown } }>('/checkout/orders', async (request, reply) => {
    const token = typeof request.body?.token === 'string' ? request.body.token : ''
    const last = request.hasSession() ? request.session.get('lastOrder') : undefined
    // The same form sent again after it worked (a double click, back and resubmit): the same order.
    if (last && token && last.checkoutToken === token) return reply.redirect(`/orders/${last.accessToken}`, 303)
    const current = state(request)
    if (!token || current.token !== token) {
      request.flash(
        'error',
        'This checkout page was out of date, so nothing was ordered. Check the details below and place the order again.',
      )
      return reply.redirect('/checkout/review', 303)
    }
    const step = await stepOr(request, reply, 3)
    if (!step) return reply
    const { summary } = step
    // stepOr has seen all three; the checks only tell the type checker.
    if (!current.address || !current.payment || !summary.method) return reply.redirect('/checkout', 303)
    const result = await placeOrder(app.db, {
      cartId: await findCartId(app.db, request.cartOwner()),
      userId: request.user?.id ?? null,
      checkoutToken: token,
      details: {
        email: current.address.email,
        name: current.address.name,
        phone: current.address.phone,
        address: current.address,
        shippingMethodId: summary.method.id,
        paymentMethod: current.payment,
      },
      discountCode: current.discountCode ?? null,
      baseUrl: siteOrigin(app.config, request),
      payments: app.payments,
    })
    switch (result.kind) {
      case 'placed':
      case 'already_placed':
        app.wakeMailWorker()
        request.session.set('checkout', { address: current.address })
        request.session.set('lastOrder', { checkoutToken: token, accessToken: result.order.access_token })
        // Paid on the provider's page: on to it, by way of the order's own payment address.
        if (app.payments.hosted(result.order.payment_method))
          return reply.redirect(`/orders/${result.order.access_token}/payment`, 303)
        return reply.redirect(`/orders/${result.order.access_token}`, 303)
      case 'sold_out':
        request.flash(
          'error',
          `${result.items
            .map((item) =>
              item.available ? `Only ${item.available} × ${item.title} left.` : `${item.title} has sold out.`,
            )
            .join(' ')} Nothing was ordered: change the quantities in your cart and check out again.`,
        )
        return reply.redirect('/cart', 303)
      case 'refused':
        request.flash('error', result.message)
        return reply.redirect('/checkout/review', 303)
    }
  })
}

/** What each step leaves done: an address, a delivery method the address can have, a payment method the shop offers. */
const STEP_DONE: ((state: CheckoutState, summary: CheckoutSummary, offered: PaymentMethod[]) => boolean)[] = [
  (state) => state.address !== undefined,
  (_state, summary) => summary.method !== null,
  (state, _summary, offered) => state.payment !== undefined && offered.includes(state.payment),
]

/** The first step before `step` still to do, or null. */
function missingBefore(
  step: number,
  state: CheckoutState,
  summary: CheckoutSummary,
  offered: PaymentMethod[],
): string | null {
  for (let i = 0; i < step; i++) if (!STEP_DONE[i]?.(state, summary, offered)) return STEPS[i]?.path ?? '/checkout'
  return null
}
