import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { listOf, pageQuery } from '../../../lib/api-schemas.js'
import { MAX_ID } from '../../../lib/ids.js'
import { isFailure } from '../../../lib/outcomes.js'
import { customerJson, customerProfile } from '../../../modules/accounts/accounts.api.js'
import { customerOrder, customerOrderList, orderSummaryJson } from '../../../modules/orders/order-history.api.js'
import { orderJson } from '../../../modules/orders/orders.api.js'
import { customerOf, requireCustomer } from '../../../plugins/api-auth.js'
import { ProblemError } from '../../../plugins/problem.js'
import { cursorPosition, listPage } from './_paging.js'

/** Personal answers: kept by no cache on the way. */
const PRIVATE = 'private, no-store'
const signedIn = { tags: ['Customers'], security: [{ customerToken: [] }] }

const orderNumber = z.object({
  number: z.coerce
    .number({ error: 'An order number is a whole number' })
    .int('An order number is a whole number')
    .min(1, 'An order number is a whole number')
    .max(MAX_ID, 'An order number is a whole number'),
})

export default async function meRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  app.get(
    '/me',
    {
      schema: { ...signedIn, summary: 'The signed-in customer’s account', response: { 200: customerJson } },
      preHandler: requireCustomer,
    },
    async (request, reply) => {
      const found = await customerProfile(app.db, customerOf(request).userId)
      if (isFailure(found)) return reply.problemFor(found)
      return reply.header('cache-control', PRIVATE).send(found.customer)
    },
  )

  app.get(
    '/me/orders',
    {
      schema: {
        ...signedIn,
        summary: 'The signed-in customer’s orders, newest first',
        description: 'Each order in short; GET /api/v1/me/orders/{number} gives all of it.',
        querystring: z.object(pageQuery),
        response: { 200: listOf(orderSummaryJson) },
      },
      preHandler: requireCustomer,
    },
    async (request, reply) => {
      const { limit, cursor } = request.query
      const page = await customerOrderList(app.db, customerOf(request).userId, limit, cursorPosition(request, cursor))
      if (page.kind === 'bad-cursor') {
        throw new ProblemError(400, 'This cursor is not one this list gave: start again from the first page.')
      }
      reply.header('cache-control', PRIVATE)
      return listPage(request, reply, page.data, page.next ? { ...page.next } : null)
    },
  )

  app.get(
    '/me/orders/:number',
    {
      schema: {
        ...signedIn,
        summary: 'One of the signed-in customer’s orders',
        description: 'Another customer’s order, or a number no order has, is 404.',
        params: orderNumber,
        response: { 200: orderJson },
      },
      preHandler: requireCustomer,
    },
    async (request, reply) => {
      const found = await customerOrder(app.db, customerOf(request).userId, request.params.number)
      if (isFailure(found)) return reply.problem(404, 'You have no order with this number.')
      return reply.header('cache-control', PRIVATE).header('referrer-policy', 'no-referrer').send(found.order)
    },
  )
}
