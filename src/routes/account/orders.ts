import type { FastifyInstance } from 'fastify'
import { parseId } from '../../lib/ids.js'
import { withValid } from '../../lib/outcomes.js'
import { validate } from '../../lib/validation.js'
import { customerOrderPage, customerOrdersPage, invoicePdf } from '../../modules/orders/order-pages.js'
import { orderHistoryInput } from '../../modules/orders/orders.forms.js'
import { signedInUser } from '../../plugins/auth.js'

type NumberParams = { Params: { number: string } }

/** A customer's orders, newest first, and each one; another customer's order number is simply not found. */
export default async function orderHistoryRoutes(app: FastifyInstance) {
  app.get('/account/orders', async (request, reply) => {
    const page = await withValid(validate(orderHistoryInput, request.query), (query) =>
      customerOrdersPage(app.db, signedInUser(request).id, query.page),
    )
    return reply.show('account/orders/index', page)
  })

  app.get<NumberParams>('/account/orders/:number/invoice.pdf', async (request, reply) => {
    const invoice = await invoicePdf(app.db, {
      userId: signedInUser(request).id,
      number: parseId(request.params.number),
    })
    return reply.personalFile(invoice)
  })

  app.get<NumberParams>('/account/orders/:number', async (request, reply) => {
    const ref = { userId: signedInUser(request).id, number: parseId(request.params.number) }
    const page = await customerOrderPage(app.db, ref, { returned: false })
    // Personal: kept by nobody, and never sent on as a Referer.
    return reply
      .header('cache-control', 'private, no-store')
      .header('referrer-policy', 'no-referrer')
      .show('orders/show', page)
  })
}
