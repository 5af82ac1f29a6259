import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { listOf, noBody } from '../../../lib/api-schemas.js'
import { parseId } from '../../../lib/ids.js'
import type { Failure } from '../../../lib/outcomes.js'
import { idempotencyKeyHeader } from '../../../modules/api-access/idempotency.js'
import {
  type ApiCart,
  addApiCartItem,
  addCartItemBody,
  apiCartOf,
  type CartAnswer,
  cartAnswer,
  cartItemQuantityBody,
  cartJson,
  changeApiCartItem,
  createApiCart,
  removeApiCartItem,
  shippingOptionJson,
} from '../../../modules/cart/cart.api.js'
import {
  applyCartDiscount,
  cartAddressBody,
  cartDiscountBody,
  cartOrderBody,
  cartShippingBody,
  cartShippingOptions,
  chooseCartShipping,
  placeCartOrder,
  placedOrderJson,
  removeCartDiscount,
  saveCartAddress,
} from '../../../modules/orders/api-checkout.js'
import { unauthorized } from '../../../plugins/api-auth.js'
import { siteOrigin } from '../../../plugins/csrf.js'
import { ProblemError } from '../../../plugins/problem.js'

const cartParams = z.object({ id: z.string().describe('The cart’s id, from POST /carts.') })
const itemParams = cartParams.extend({ itemId: z.string().describe('The line’s id, from the cart’s lines.') })
const security = [{ cartToken: [] }]
const tags = ['Carts']

/**
 * Carts and checkout for apps (modules/cart/cart.api.ts and
 * modules/orders/api-checkout.ts). A cart is opened by the token POST /carts
 * answered with: without it 401, with another cart's 404. Answers are the
 * cart as it stands, priced by the checkout's own rules, and kept by no cache.
 */
export default async function cartsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'private, no-store')
  })

  /** The cart of the path, if the request's token opens it. */
  async function cartOf(request: Pick<FastifyRequest, 'apiPrincipal'> & { params: { id: string } }): Promise<ApiCart> {
    const principal = request.apiPrincipal
    if (principal.kind !== 'cart') {
      throw unauthorized('Send the cart’s token (from POST /api/v1/carts) as "Authorization: Bearer <token>".')
    }
    const found = await apiCartOf(app.db, principal.tokenHash, parseId(request.params.id))
    if (found.kind === 'unknown_token') throw unauthorized('This cart token is not valid.')
    if (found.kind === 'missing') throw new ProblemError(404, 'There is no such cart.')
    return found
  }

  const answer = (reply: FastifyReply, result: CartAnswer | Failure, status = 200) =>
    result.kind === 'cart' ? reply.code(status).send(result.cart) : reply.problemFor(result)

  app.post(
    '/carts',
    {
      schema: {
        tags,
        summary: 'Make an empty cart',
        description:
          'Answers the cart and its token (sf_cart_…), given this once: every other call on the cart sends it as a bearer token.',
        response: {
          201: cartJson.extend({
            token: z.string().describe('The cart’s bearer token: keep it; it is not shown again.'),
          }),
        },
      },
    },
    async (_request, reply) => {
      const made = await createApiCart(app.db)
      const { cart } = await cartAnswer(app.db, app.payments, { cartId: made.cartId, state: {} })
      return reply.code(201).send({ ...cart, token: made.token })
    },
  )

  app.get(
    '/carts/:id',
    {
      schema: {
        tags,
        security,
        summary: 'The cart, with every figure',
        params: cartParams,
        response: { 200: cartJson },
      },
    },
    async (request, reply) => answer(reply, await cartAnswer(app.db, app.payments, await cartOf(request))),
  )

  app.post(
    '/carts/:id/items',
    {
      schema: {
        tags,
        security,
        summary: 'Add an item by SKU',
        description:
          'Adds to the line the cart already has for the SKU, if any. The quantity is checked against stock and the limit per line.',
        params: cartParams,
        body: addCartItemBody,
        response: { 200: cartJson },
      },
    },
    async (request, reply) =>
      answer(reply, await addApiCartItem(app.db, app.payments, await cartOf(request), request.body)),
  )

  app.patch(
    '/carts/:id/items/:itemId',
    {
      schema: {
        tags,
        security,
        summary: 'Change a line’s quantity (0 removes it)',
        params: itemParams,
        body: cartItemQuantityBody,
        response: { 200: cartJson },
      },
    },
    async (request, reply) => {
      const cart = await cartOf(request)
      const lineId = parseId(request.params.itemId)
      return answer(reply, await changeApiCartItem(app.db, app.payments, cart, lineId, request.body))
    },
  )

  app.delete(
    '/carts/:id/items/:itemId',
    {
      schema: {
        tags,
        security,
        summary: 'Remove a line',
        params: itemParams,
        response: { 204: noBody('The line is removed.') },
      },
    },
    async (request, reply) => {
      const cart = await cartOf(request)
      const removed = await removeApiCartItem(app.db, cart, parseId(request.params.itemId))
      return removed.kind === 'removed' ? reply.code(204).send(null) : reply.problemFor(removed)
    },
  )

  app.put(
    '/carts/:id/address',
    {
      schema: {
        tags,
        security,
        summary: 'Who is buying, and where it goes (or that it is collected)',
        description:
          'The HTML checkout’s first step, with its fields, rules and messages. A new country keeps the shipping option only if it is offered there.',
        params: cartParams,
        body: cartAddressBody,
        response: { 200: cartJson },
      },
    },
    async (request, reply) =>
      answer(reply, await saveCartAddress(app.db, app.payments, await cartOf(request), request.body)),
  )

  app.get(
    '/carts/:id/shipping-options',
    {
      schema: {
        tags,
        security,
        summary: 'The shipping options for the cart’s address, priced for the cart',
        description: 'All on one page (next_cursor is null). Before an address is given: 409.',
        params: cartParams,
        response: { 200: listOf(shippingOptionJson) },
      },
    },
    async (request, reply) => {
      const result = await cartShippingOptions(app.db, await cartOf(request))
      return result.kind === 'options' ? { data: result.options, next_cursor: null } : reply.problemFor(result)
    },
  )

  app.put(
    '/carts/:id/shipping',
    {
      schema: {
        tags,
        security,
        summary: 'Choose a shipping option',
        params: cartParams,
        body: cartShippingBody,
        response: { 200: cartJson },
      },
    },
    async (request, reply) =>
      answer(reply, await chooseCartShipping(app.db, app.payments, await cartOf(request), request.body)),
  )

  app.put(
    '/carts/:id/discount',
    {
      schema: {
        tags,
        security,
        summary: 'Enter a discount code',
        description: 'Kept only if it applies to the cart now; checked again when the order is placed.',
        params: cartParams,
        body: cartDiscountBody,
        response: { 200: cartJson },
      },
    },
    async (request, reply) =>
      answer(reply, await applyCartDiscount(app.db, app.payments, await cartOf(request), request.body)),
  )

  app.delete(
    '/carts/:id/discount',
    {
      schema: { tags, security, summary: 'Remove the discount code', params: cartParams, response: { 200: cartJson } },
    },
    async (request, reply) => answer(reply, await removeCartDiscount(app.db, app.payments, await cartOf(request))),
  )

  app.post(
    '/carts/:id/order',
    {
      schema: {
        tags,
        security,
        summary: 'Place the order',
        description:
          'Prices, tax, shipping and stock as the HTML checkout. Needs an Idempotency-Key: the same key with the same body ' +
          'answers the same order (200, the first answer’s body, with Idempotent-Replayed: true) for 24 hours, in every ' +
          'server process; with another body, 422; while the first request is still being answered, 409. A request ' +
          'refused (sold out, a field to correct) leaves the key unused.',
        params: cartParams,
        headers: z.object({ 'idempotency-key': idempotencyKeyHeader }),
        body: cartOrderBody,
        response: { 201: placedOrderJson, 200: placedOrderJson },
      },
    },
    async (request, reply) => {
      const cart = await cartOf(request)
      const result = await placeCartOrder(app.db, app.payments, cart, {
        body: request.body,
        key: request.headers['idempotency-key'],
        baseUrl: siteOrigin(app.config, request),
      })
      switch (result.kind) {
        case 'answered':
          if (result.paymentError) {
            request.log.error({ err: result.paymentError }, 'Stripe did not open a payment for an order an app placed')
          }
          if (result.replayed) reply.header('idempotent-replayed', 'true')
          return reply.code(result.replayed ? 200 : 201).send(result.body)
        case 'key_reused':
          return reply.problem(
            422,
            'This Idempotency-Key was used for a different request on this cart. Send a new key for a new order.',
          )
        case 'key_in_progress':
          return reply
            .header('retry-after', '1')
            .problem(409, 'A request with this Idempotency-Key is still being answered. Try again in a moment.')
        default:
          return reply.problemFor(result)
      }
    },
  )
}
