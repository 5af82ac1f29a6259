import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { findCartId } from '../modules/cart/cart.service.js'
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
  submitDetails,
} from '../modules/orders/checkout.service.js'
import { selectAddressesOfUser } from '../modules/orders/orders.repository.js'
import { placeOrder } from '../modules/orders/place-order.js'
import { PAYMENT_METHOD_HINTS, PAYMENT_METHOD_LABELS, type PaymentMethod } from '../modules/payments/payment-methods.js'
import { siteOrigin } from '../plugins/csrf.js'

const STEPS = [
  { path: '/checkout', label: 'Details' },
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
    const missing = missingBefore(step, current, summary, paymentChoices(summary, app.payments))
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

  // Step 1: contact, and an address unless the shopper collects.
  app.get<{ Querystring: { address?: string } }>('/checkout', async (request, reply) => {
    const summary = await summaryOr(request, reply)
    if (!summary) return reply
    // A signed-in customer's saved addresses; ?address=<id> fills the form with one of them (theirs only).
    const addresses = request.user ? await selectAddressesOfUser(app.db, request.user.id) : []
    const chosen = addresses.find((a) => String(a.id) === request.query.address)
    const current = state(request)
    const entered = current.address
    const values = chosen
      ? { email: entered?.email ?? request.user?.email ?? '', ...chosen }
      : {
          ...(entered ?? {
            email: request.user?.email ?? '',
            name: request.user?.name ?? '',
            country: summary.shop.country,
          }),
          // Collecting, whether chosen here or as the delivery: the same collection is checked again.
          receive: summary.collecting && summary.method ? `collect:${summary.method.id}` : 'delivery',
        }
    return detailsPage(reply, summary, { values, addresses })
  })

  app.post('/checkout', async (request, reply) => {
    const summary = await summaryOr(request, reply)
    if (!summary) return reply
    const outcome = submitDetails(summary.shop, state(request), request.body)
    if (!outcome.ok) {
      reply.code(422)
      return detailsPage(reply, summary, { values: request.body ?? {}, errors: outcome.errors })
    }
    save(request, outcome.state)
    return reply.redirect(outcome.next, 303)
  })

  function detailsPage(reply: FastifyReply, summary: CheckoutSummary, data: Record<string, unknown>) {
    return page(reply, 0, 'checkout/address', summary, {
      countries: deliveryCountries(summary.shop),
      points: collectionPoints(summary.shop),
      ...data,
    })
  }

  // Step 2: delivery, or where to collect.
  app.get('/checkout/delivery', async (request, reply) => {
    const step = await stepOr(request, reply, 1)
    if (!step) return reply
    const { summary, current } = step
    return page(reply, 1, 'checkout/delivery', summary, {
      values: { method: current.method },
      address: current.address,
      collect: current.collect === true,
    })
  })

  app.post('/checkout/delivery', async (request, reply) => {
    const step = await stepOr(request, reply, 1)
    if (!step) return reply
    const { summary, current } = step
    const outcome = chooseDelivery(summary.shop, current, request.body)
    if (!outcome.ok) {
      reply.code(422)
      return page(reply, 1, 'checkout/delivery', summary, {
        values: {},
        address: current.address,
        collect: current.collect === true,
        errors: outcome.errors,
      })
    }
    save(request, outcome.state)
    return reply.redirect(outcome.next, 303)
  })

  // Step 3: payment, the ways that go with the delivery chosen.
  app.get('/checkout/payment', async (request, reply) => {
    const step = await stepOr(request, reply, 2)
    if (!step) return reply
    const { summary, current } = step
    return page(reply, 2, 'checkout/payment', summary, {
      values: { payment: current.payment },
      methods: paymentChoices(summary, app.payments),
    })
  })

  app.post('/checkout/payment', async (request, reply) => {
    const step = await stepOr(request, reply, 2)
    if (!step) return reply
    const { summary, current } = step
    const outcome = choosePayment(summary, app.payments, current, request.body)
    if (!outcome.ok) {
      reply.code(422)
      return page(reply, 2, 'checkout/payment', summary, {
        values: {},
        methods: paymentChoices(summary, app.payments),
        errors: outcome.errors,
      })
    }
    save(request, outcome.state)
    return reply.redirect(outcome.next, 303)
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
    // stepOr has seen a payment that goes with this order.
    const wording = current.payment ? placeOrderWording(summary, current.payment) : null
    return page(reply, 3, 'checkout/review', summary, { checkout: current, token, errors, values, wording })
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
