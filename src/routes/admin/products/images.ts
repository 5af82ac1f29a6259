import fastifyMultipart from '@fastify/multipart'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { type IdParams, idOf } from '../../../lib/ids.js'
import { MEDIA_RETRY_AFTER_SECONDS } from '../../../lib/media-storage/index.js'
import { withValid } from '../../../lib/outcomes.js'
import { validate } from '../../../lib/validation.js'
import { productImagesPage, type SentImagesForm } from '../../../modules/images/image-pages.js'
import { uploadInput } from '../../../modules/images/product-images.forms.js'
import { addProductImages, imagesAddedNotice } from '../../../modules/images/product-images.service.js'
import { signedInUser } from '../../../plugins/auth.js'
import { IMAGE_UPLOAD_LIMITS, readFieldsBeforeFiles, uploadedImages } from './_image-upload.js'
import { discardUnread } from './_multipart.js'

/**
 * A product's pictures (/admin/products/:id/images): the page, and an
 * upload of several at once, each with alt text. Changing, moving and
 * removing one picture are product-images.ts's.
 */
export default async function productImagesRoutes(app: FastifyInstance) {
  // Multipart bodies are parsed here only; every other form in the shop stays urlencoded and small.
  await app.register(fastifyMultipart, { limits: IMAGE_UPLOAD_LIMITS })

  async function imagesPage(reply: FastifyReply, productId: number, sent?: SentImagesForm) {
    return reply.show('admin/products/images/index', await productImagesPage(app.db, productId, sent))
  }

  app.get<IdParams>('/admin/products/:id/images', async (request, reply) => imagesPage(reply, idOf(request)))

  app.post<IdParams>(
    '/admin/products/:id/images',
    { preValidation: readFieldsBeforeFiles, onResponse: discardUnread },
    async (request, reply) => {
      const id = idOf(request)
      const { fields, files, failure } = await uploadedImages(request)
      const values = { alt: fields.alt ?? '' }
      if (failure) return imagesPage(reply.code(failure.status), id, { values, errors: { images: failure.message } })
      const result = await withValid(validate(uploadInput, { alt: fields.alt, images: files.length }), ({ alt }) =>
        addProductImages(app.db, app.mediaStorage, id, { alt, files }, signedInUser(request)),
      )
      if (result.kind === 'unavailable') {
        // The person is told only that the store failed; what failed, and why, is for the log.
        request.log.error({ err: result.error }, 'uploaded pictures could not be saved to the image store')
        const retry = reply.code(503).header('retry-after', String(MEDIA_RETRY_AFTER_SECONDS))
        return imagesPage(retry, id, { values, errors: { images: result.message } })
      }
      return reply.answer(result, {
        done: () => ({ to: `/admin/products/${id}/images`, flash: imagesAddedNotice(files.length) }),
        back: `/admin/products/${id}/images`,
        form: ({ errors }) =>
          imagesPage(reply, id, { values, errors, problems: 'problems' in result ? result.problems : [] }),
      })
    },
  )
}
