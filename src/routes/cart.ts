import type { FastifyInstance } from 'fastify'
import { type IdParams, idOf } from '../lib/ids.js'
import { withValid } from '../lib/outcomes.js'
import { validate } from '../lib/validation.js'
import { addToCartInput, lineQuantityInput } from '../modules/cart/cart.forms.js'
import { addToCart, addToCartPage, cartLinePage, cartPage, changeLineQuantity } from '../modules/cart/cart.service.js'
import { siteOrigin } from '../plugins/csrf.js'

export default async function cartRoutes(app: FastifyInstance) {
  app.get('/cart', async (request, reply) => reply.render('cart/show', await cartPage(app.db, request.cartOwner())))

  app.post('/cart/items', async (request, reply) => {
    const owner = request.cartOwner()
    const result = await withValid(validate(addToCartInput, request.body), (input) => addToCart(app.db, owner, input))
    return reply.answer(result, {
      done: (added) => {
        // A guest's cart is found through their session from now on; this is what starts one.
        if (owner.userId === null) request.session.set('cartId', added.cartId)
        return { to: '/cart', flash: `Added ${added.quantity} × ${added.title} to your cart.` }
      },
      back: '/cart',
      form: async (sent) => {
        const page = await addToCartPage(app.db, owner, sent, siteOrigin(app.config, request))
        return reply.render(page.template, page.data)
      },
    })
  })

  app.post<IdParams>('/cart/lines/:id', async (request, reply) => {
    const owner = request.cartOwner()
    const lineId = idOf(request)
    const result = await withValid(validate(lineQuantityInput, request.body), (input) =>
      changeLineQuantity(app.db, owner, lineId, input),
    )
    const again = async (sent?: Parameters<typeof cartLinePage>[3]) => {
      const page = await cartLinePage(app.db, owner, lineId, sent)
      return reply.code(page.status).render('cart/show', page.data)
    }
    return reply.answer(result, {
      done: (changed) => ({
        to: '/cart',
        flash:
          changed.kind === 'removed'
            ? `Removed ${changed.title} from your cart.`
            : `Updated the quantity of ${changed.title}.`,
      }),
      back: '/cart',
      form: again,
      missing: () => again(),
    })
  })
}
