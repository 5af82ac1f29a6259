import type { FastifyInstance } from 'fastify'
import { parseId } from '../../lib/ids.js'
import { paginate } from '../../lib/pagination.js'
import { countOrdersOfUser, selectOrderOfUser, selectOrdersOfUser } from '../../modules/orders/orders.repository.js'
import { signedInUser } from '../../plugins/auth.js'
import { orderPage, sendInvoice } from '../orders.js'

const PER_PAGE = 20

/** A customer's orders, newest first, and each one; another customer's order number is simply not found. */
export default async function orderHistoryRoutes(app: FastifyInstance) {
  app.get<{ Querystring: { page?: string } }>('/account/orders', async (request, reply) => {
    const user = signedInUser(request)
    const page = /^[1-9]\d{0,5}$/.test(request.query.page ?? '') ? Number(request.query.page) : 1
    const total = await countOrdersOfUser(app.db, user.id)
    if (page > 1 && (page - 1) * PER_PAGE >= total) return reply.callNotFound()
    const orders = await selectOrdersOfUser(app.db, user.id, PER_PAGE, (page - 1) * PER_PAGE)
    return reply.render('account/orders/index', {
      title: 'Your orders',
      noindex: true,
      orders,
      pagination: paginate({
        page,
        perPage: PER_PAGE,
        total,
        href: (n) => (n === 1 ? '/account/orders' : `/account/orders?page=${n}`),
      }),
    })
  })

  app.get<{ Params: { number: string } }>('/account/orders/:number/invoice.pdf', async (request, reply) => {
    const number = parseId(request.params.number)
    return sendInvoice(app, reply, await selectOrderOfUser(app.db, signedInUser(request).id, number))
  })

  app.get<{ Params: { number: string } }>('/account/orders/:number', async (request, reply) => {
    const number = parseId(request.params.number)
    const order = await selectOrderOfUser(app.db, signedInUser(request).id, number)
    return orderPage(app, reply, order, { invoicePath: `/account/orders/${number}/invoice.pdf`, history: true })
  })
}
