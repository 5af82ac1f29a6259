import type { FastifyInstance } from 'fastify'
import { type IdParams, idOf } from '../../lib/ids.js'
import { withValid } from '../../lib/outcomes.js'
import { validate } from '../../lib/validation.js'
import { imageAltFormPage, imageRemovalPage } from '../../modules/images/image-pages.js'
import { altInput, moveInput } from '../../modules/images/product-images.forms.js'
import { changeImageAlt, moveProductImage, removeProductImage } from '../../modules/images/product-images.service.js'
import { signedInUser } from '../../plugins/auth.js'

const imagesOf = (productId: number) => `/admin/products/${productId}/images`

/**
 * One picture of a product (/admin/product-images/:id): its alt text, its
 * place (the first is the cover), and its removal after asking. The
 * product's pictures page and uploads are products/images.ts's.
 */
export default async function productImageRoutes(app: FastifyInstance) {
  app.post<IdParams>('/admin/product-images/:id', async (request, reply) => {
    const id = idOf(request)
    const result = await withValid(validate(altInput, request.body), ({ alt }) =>
      changeImageAlt(app.db, id, alt, signedInUser(request)),
    )
    return reply.answer(result, {
      done: ({ productId }) => ({ to: `${imagesOf(productId)}#image-${id}`, flash: 'The alt text is saved.' }),
      back: '/admin/products',
      form: async (sent) => reply.show('admin/products/images/index', await imageAltFormPage(app.db, id, sent)),
    })
  })

  app.post<IdParams>('/admin/product-images/:id/position', async (request, reply) => {
    const id = idOf(request)
    const result = await moveProductImage(app.db, id, validate(moveInput, request.body), signedInUser(request))
    return reply.answer(result, {
      done: ({ productId }) => ({ to: `${imagesOf(productId)}#image-${id}` }),
      back: 'productId' in result ? imagesOf(result.productId) : '/admin/products',
    })
  })

  app.get<IdParams>('/admin/product-images/:id/removal', async (request, reply) =>
    reply.show('admin/product-images/removal', await imageRemovalPage(app.db, idOf(request))),
  )

  app.post<IdParams>('/admin/product-images/:id/removal', async (request, reply) =>
    reply.answer(await removeProductImage(app.db, idOf(request), signedInUser(request)), {
      done: ({ productId }) => ({ to: imagesOf(productId), flash: 'The picture is removed from the product.' }),
      back: '/admin/products',
    }),
  )
}
