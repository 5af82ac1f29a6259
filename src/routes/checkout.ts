import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type Invalid, withValid } from '../lib/outcomes.js'
import { validate } from '../lib/validation.js'
import {
  checkoutDetailsInput,
  checkoutQueryInput,
  deliveryInput,
  discountCodeInput,
  paymentInput,
  placeOrderInput,
} from '../modules/orders/checkout.forms.js'
import {
  applyDiscountCode,
  type CheckoutMove,
  type CheckoutPage,
  type CheckoutRefused,
  type CheckoutStep,
  type CheckoutVisit,
  checkoutPage,
  placeCheckoutOrder,
  saveDelivery,
  saveDetails,
  savePayment,
} from '../modules/orders/checkout-steps.js'
import { siteOrigin } from '../plugins/csrf.js'
import type { PageAnswer } from '../plugins/outcomes.js'

type Outcome = CheckoutMove | CheckoutRefused | Invalid

/**
 * Checkout (see modules/orders/checkout-steps.ts): each step a GET page and
 * a POST that keeps the choice in the session and goes on; placing the order
 * is POST /checkout/orders with the review page's one-time token.
 */
export default async function checkoutRoutes(app: FastifyInstance) {
  const visit = (request: FastifyRequest): CheckoutVisit => {
    const session = request.hasSession() ? request.session : null
    return {
      owner: request.cartOwner(),
      user: request.user,
      state: session?.get('checkout') ?? {},
      lastOrder: session?.get('lastOrder'),
    }
  }

  /** A step's page (kept by no cache), or where the shopper must go first. */
  async function show(request: FastifyRequest, reply: FastifyReply, page: CheckoutPage | Outcome) {
    if (page.kind !== 'page') {
      // A visitor without a session has no cart to check out; no session is started just to say so.
      if (page.kind === 'refused' && request.method === 'GET' && !request.hasSession())
        return reply.redirect(page.back, 303)
      return answer(request, reply, page)
    }
    if (page.state) request.session.set('checkout', page.state)
    return reply.header('cache-control', 'private, no-store').render(page.template, page.data)
  }

  /** The one mapping of outcomes, each refusal told on the page it names, and what a step chose kept in the session. */
  function answer(request: FastifyRequest, reply: FastifyReply, result: Outcome, form?: PageAnswer<Outcome>['form']) {
    return reply.answer(result, {
      done: (move) => {
        if (move.state) request.session.set('checkout', move.state)
        if (move.placed) {
          request.session.set('lastOrder', move.placed)
          app.wakeMailWorker()
        }
        return move
      },
      back: result.kind === 'refused' ? result.back : '/checkout',
      ...(form && { form }),
    })
  }

  const step = (request: FastifyRequest, name: CheckoutStep) => checkoutPage(app.db, app.payments, visit(request), name)

  /** A step's form, POST `path`: `save` runs on what the edge's schema accepted; a failure shows the step's page again (422). */
  function stepForm(path: string, name: CheckoutStep, save: (request: FastifyRequest) => Promise<Outcome>) {
    app.post(path, async (request, reply) =>
      answer(request, reply, await save(request), async (sent) =>
        show(request, reply, await checkoutPage(app.db, app.payments, visit(request), name, { sent })),
      ),
    )
  }

  app.get('/checkout', async (request, reply) => {
    const page = await withValid(validate(checkoutQueryInput, request.query), (query) =>
      checkoutPage(app.db, app.payments, visit(request), 'details', { addressId: query.address }),
    )
    return show(request, reply, page)
  })

  stepForm('/checkout', 'details', (request) =>
    withValid(validate(checkoutDetailsInput, request.body), (details) =>
      saveDetails(app.db, app.payments, visit(request), details),
    ),
  )

  app.get('/checkout/delivery', async (request, reply) => show(request, reply, await step(request, 'delivery')))
  app.get('/checkout/payment', async (request, reply) => show(request, reply, await step(request, 'payment')))
  app.get('/checkout/review', async (request, reply) => show(request, reply, await step(request, 'review')))

  stepForm('/checkout/delivery', 'delivery', (request) =>
    withValid(validate(deliveryInput, request.body), (input) =>
      saveDelivery(app.db, app.payments, visit(request), input),
    ),
  )

  stepForm('/checkout/payment', 'payment', (request) =>
    withValid(validate(paymentInput, request.body), (input) =>
      savePayment(app.db, app.payments, visit(request), input),
    ),
  )

  // A discount code, entered or removed on the review page; a refused one shows the review page again.
  stepForm('/checkout/discount', 'review', (request) =>
    withValid(validate(discountCodeInput, request.body), (input) =>
      applyDiscountCode(app.db, app.payments, visit(request), input),
    ),
  )

  app.post('/checkout/orders', async (request, reply) => {
    const base = siteOrigin(app.config, request)
    const result = await withValid(validate(placeOrderInput, request.body), (input) =>
      placeCheckoutOrder(app.db, app.payments, visit(request), input, base),
    )
    return answer(request, reply, result)
  })
}
