import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { parseId } from '../lib/ids.js'
import { withFields } from '../lib/objects.js'
import { addToCart, cartPage, changeLineQuantity, findCartId } from '../modules/cart/cart.service.js'
import { productPageForVariant } from '../modules/catalogue/storefront.js'
import { siteOrigin } from '../plugins/csrf.js'

const page = { title: 'Your cart', noindex: true }

export default async function cartRoutes(app: FastifyInstance) {
  app.get('/cart', async (request, reply) => {
    const data = await cartPage(app.db, await findCartId(app.db, request.cartOwner()))
    return reply.render('cart/show', withFields(page, { ...data, errors: {} }))
  })

  app.post('/cart/items', async (request, reply) => {
    const owner = request.cartOwner()
    const result = await addToCart(app.db, owner, request.body)
    if (result.kind === 'added') {
      // A guest's cart is found through their session from now on; this is what starts one.
      if (owner.userId === null) request.session.set('cartId', result.cartId)
      request.flash('success', `Added ${result.quantity} × ${result.title} to your cart.`)
      return reply.redirect('/cart', 303)
    }
    const product =
      result.kind === 'invalid' && result.variantId !== null
        ? await productPageForVariant(app.db, result.variantId, siteOrigin(app.config, request))
        : null
    if (result.kind === 'unavailable' || !product || product.kind !== 'page') {
      return cartPageWith(app, request, reply, 422, {
        _form: 'Sorry, that item is not for sale any more. Have a look at what else we have',
      })
    }
    const errors = result.kind === 'invalid' ? result.errors : {}
    return reply
      .code(422)
      .render(
        product.template,
        withFields(product.data, { errors, values: { quantity: bodyField(request, 'quantity') } }),
      )
  })

  app.post<{ Params: { id: string } }>('/cart/lines/:id', async (request, reply) => {
    const lineId = parseId(request.params.id)
    const cartId = await findCartId(app.db, request.cartOwner())
    const result = await changeLineQuantity(app.db, cartId, lineId, request.body)
    switch (result.kind) {
      case 'changed':
        request.flash('success', `Updated the quantity of ${result.title}.`)
        return reply.redirect('/cart', 303)
      case 'removed':
        request.flash('success', `Removed ${result.title} from your cart.`)
        return reply.redirect('/cart', 303)
      case 'invalid':
        return cartPageWith(app, request, reply, 422, {
          [`line-${lineId}`]: result.errors.quantity ?? 'Check the quantity',
        })
      case 'missing':
        return cartPageWith(app, request, reply, 404, { _form: 'That item is not in your cart. Here is what is' })
    }
  })
}

/** The cart page again with messages: a form that failed, or a line that is not there. */
async function cartPageWith(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  errors: Record<string, string>,
) {
  const data = await cartPage(app.db, await findCartId(app.db, request.cartOwner()))
  return reply.code(status).render('cart/show', withFields(page, { ...data, errors, values: request.body ?? {} }))
}

function bodyField(request: FastifyRequest, name: string): string {
  const value = (request.body as Record<string, unknown> | undefined)?.[name]
  return typeof value === 'string' ? value.slice(0, 10) : ''
}
