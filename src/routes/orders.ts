import type { FastifyInstance, FastifyReply } from 'fastify'
import { withValid } from '../lib/outcomes.js'
import { validate } from '../lib/validation.js'
import { customerOrderPage, invoicePdf, orderPaymentPage } from '../modules/orders/order-pages.js'
import { orderPageInput, orderTokenOf } from '../modules/orders/orders.forms.js'
import { siteOrigin } from '../plugins/csrf.js'

type TokenParams = { Params: { token: string } }

/** An order, for whoever holds its unguessable link (the emails carry it). */
export default async function orderRoutes(app: FastifyInstance) {
  // Kept by nobody, not even a wrong link's 404: a shared cache would otherwise answer for a link it has seen before.
  const personal = { config: { cacheControl: 'private, no-store' } }

  app.get<TokenParams>('/orders/:token', personal, async (request, reply) => {
    const token = orderTokenOf(request.params)
    const page = await withValid(validate(orderPageInput, request.query), (query) =>
      customerOrderPage(app.db, { token }, query),
    )
    return privately(reply).show('orders/show', page)
  })

  // Where an order paid on the provider's page is paid: on to its payment there, or back to the order saying why not.
  app.get<TokenParams>('/orders/:token/payment', personal, async (request, reply) => {
    const token = orderTokenOf(request.params)
    const result = await orderPaymentPage(app.db, app.payments, token, siteOrigin(app.config, request))
    if (result.kind === 'notice') {
      if (result.error) request.log.error({ err: result.error, order: result.number }, 'Stripe did not open a payment')
      if (result.retryAfter) reply.header('retry-after', String(result.retryAfter))
      return privately(reply.code(result.status)).render('orders/show', result.data)
    }
    // The provider's page is not told which order sent the shopper there.
    if (result.kind === 'provider') reply.header('referrer-policy', 'no-referrer')
    return reply.answer(result, { done: (moved) => ({ to: moved.to }), back: `/orders/${token}` })
  })

  app.get<TokenParams>('/orders/:token/invoice.pdf', personal, async (request, reply) => {
    const invoice = await invoicePdf(app.db, { token: orderTokenOf(request.params) })
    return reply.personalFile(invoice)
  })
}

/** Personal, and its address is a secret link: kept by nobody, and never sent on as a Referer. */
function privately(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'private, no-store').header('referrer-policy', 'no-referrer')
}
