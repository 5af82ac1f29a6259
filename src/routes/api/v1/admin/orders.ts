import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { listOf } from '../../../../lib/api-schemas.js'
import { parseId } from '../../../../lib/ids.js'
import type { Failure } from '../../../../lib/outcomes.js'
import {
  adminOrder,
  adminOrderListQuery,
  adminOrderPage,
  apiCancellationBody,
  apiFulfilmentBody,
  apiRefundBody,
  cancelThroughApi,
  fulfilThroughApi,
  orderNumberParams,
  refundThroughApi,
} from '../../../../modules/orders/admin-orders.api.js'
import { type OrderJson, orderJson } from '../../../../modules/orders/orders.api.js'
import { keyActorOf, requireScope } from '../../../../plugins/api-auth.js'
import { siteOrigin } from '../../../../plugins/csrf.js'
import { ProblemError } from '../../../../plugins/problem.js'
import { cursorPosition, listPage } from '../_paging.js'

const tags = ['Orders (back office)']
const security = [{ apiKey: [] }]

/**
 * Orders for outside services: the list (see modules/orders/admin-orders.api.ts
 * for its two orders and why its pages never skip or repeat an order), one
 * order, and a parcel, a refund or a cancellation as resources of their own.
 */
export default async function adminOrdersRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  // Customers' names and addresses: never kept by a cache on the way.
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('cache-control', 'no-store')
  })

  /** A change's answer: 201 with the order as it now is, or the service's refusal. */
  const changed = (reply: FastifyReply, result: { kind: 'order'; order: OrderJson } | Failure) => {
    if (result.kind !== 'order') return reply.problemFor(result)
    app.wakeMailWorker()
    return reply.code(201).send(result.order)
  }

  app.get(
    '/admin/orders',
    {
      schema: {
        tags,
        security,
        summary: 'Orders, newest first, or the oldest change first to keep a copy in step (orders:read)',
        querystring: adminOrderListQuery,
        response: { 200: listOf(orderJson) },
      },
      preHandler: requireScope('orders:read'),
    },
    async (request, reply) => {
      const page = await adminOrderPage(app.db, request.query, cursorPosition(request, request.query.cursor))
      if (page.kind === 'bad_cursor') throw new ProblemError(400, page.message)
      return listPage(request, reply, page.data, page.next)
    },
  )

  app.get(
    '/admin/orders/:number',
    {
      schema: {
        tags,
        security,
        summary: 'An order with its lines, parcels and refunds (orders:read)',
        params: orderNumberParams,
        response: { 200: orderJson },
      },
      preHandler: requireScope('orders:read'),
    },
    async (request, reply) => {
      const result = await adminOrder(app.db, parseId(request.params.number))
      return result.kind === 'order' ? result.order : reply.problemFor(result)
    },
  )

  app.post(
    '/admin/orders/:number/fulfilments',
    {
      schema: {
        tags,
        security,
        summary: 'Sends a parcel: some lines, or everything left to send; the customer is emailed (orders:write)',
        params: orderNumberParams,
        body: apiFulfilmentBody,
        response: { 201: orderJson },
      },
      preHandler: requireScope('orders:write'),
    },
    async (request, reply) =>
      changed(
        reply,
        await fulfilThroughApi(
          app.db,
          parseId(request.params.number),
          keyActorOf(request),
          request.body,
          siteOrigin(app.config, request),
        ),
      ),
  )

  app.post(
    '/admin/orders/:number/refunds',
    {
      schema: {
        tags,
        security,
        summary: 'Gives money back: by Stripe for a card order, else recorded as given back by hand (orders:write)',
        params: orderNumberParams,
        body: apiRefundBody,
        response: { 201: orderJson },
      },
      preHandler: requireScope('orders:write'),
    },
    async (request, reply) =>
      changed(
        reply,
        await refundThroughApi(app.db, app.payments, parseId(request.params.number), keyActorOf(request), request.body),
      ),
  )

  app.post(
    '/admin/orders/:number/cancellation',
    {
      schema: {
        tags,
        security,
        summary:
          'Cancels an order not yet sent: its stock goes back on sale and the customer is told why (orders:write)',
        params: orderNumberParams,
        body: apiCancellationBody,
        response: { 201: orderJson },
      },
      preHandler: requireScope('orders:write'),
    },
    async (request, reply) =>
      changed(
        reply,
        await cancelThroughApi(
          app.db,
          parseId(request.params.number),
          keyActorOf(request),
          request.body,
          siteOrigin(app.config, request),
        ),
      ),
  )
}
