import type { FastifyInstance, FastifyReply } from 'fastify'
import { formValues } from '../../../lib/forms.js'
import { type IdParams, idOf } from '../../../lib/ids.js'
import { withValid } from '../../../lib/outcomes.js'
import { validate } from '../../../lib/validation.js'
import { exportProductCsv } from '../../../modules/product-imports/product-export.js'
import { productFormButtonInput } from '../../../modules/products/product-form.js'
import {
  productArchivalPage,
  productFormPage,
  productFormSchema,
  productListPage,
  type SentProductForm,
} from '../../../modules/products/product-pages.js'
import { productListInput } from '../../../modules/products/products.forms.js'
import {
  createAdminProduct,
  duplicateProduct,
  setProductStatus,
  updateAdminProduct,
} from '../../../modules/products/products.service.js'
import { signedInUser } from '../../../plugins/auth.js'

/**
 * Products in the back office: the list (search, filters, sort, pages, CSV),
 * the form shared by new and edit, and publish / withdraw / archive /
 * duplicate as resources of their own.
 */
export default async function productRoutes(app: FastifyInstance) {
  app.get('/admin/products', async (request, reply) => {
    const page = await productListPage(app.db, validate(productListInput, request.query), formValues(request.query))
    return reply.show('admin/products/index', page)
  })

  app.get('/admin/products.csv', async (request, reply) => {
    return reply.spreadsheet('products.csv', validate(productListInput, request.query), (filter) =>
      exportProductCsv(app.db, filter),
    )
  })

  /** The new (id null) or edit form, as stored or as sent. */
  async function formPage(reply: FastifyReply, id: number | null, sent?: SentProductForm) {
    return reply.show(
      id === null ? 'admin/products/new' : 'admin/products/edit',
      await productFormPage(app.db, id, sent),
    )
  }

  app.get('/admin/products/new', async (_request, reply) => formPage(reply, null))

  app.post('/admin/products', async (request, reply) => {
    const { _action: button } = productFormButtonInput.parse(request.body)
    if (button !== 'save') return formPage(reply, null, { values: formValues(request.body), action: button })
    const result = await withValid(validate(await productFormSchema(app.db), request.body), (fields) =>
      createAdminProduct(app.db, fields, signedInUser(request)),
    )
    return reply.answer(result, {
      done: ({ id }) => ({
        to: `/admin/products/${id}`,
        flash: 'The product is saved as a draft. Add its pictures, then publish it.',
      }),
      back: '/admin/products',
      form: (sent) => formPage(reply, null, sent),
    })
  })

  app.get<IdParams>('/admin/products/:id', async (request, reply) => formPage(reply, idOf(request)))

  app.post<IdParams>('/admin/products/:id', async (request, reply) => {
    const id = idOf(request)
    const { _action: button } = productFormButtonInput.parse(request.body)
    if (button !== 'save') return formPage(reply, id, { values: formValues(request.body), action: button })
    const result = await withValid(validate(await productFormSchema(app.db), request.body), (fields) =>
      updateAdminProduct(app.db, id, fields, signedInUser(request)),
    )
    return reply.answer(result, {
      done: () => ({ to: `/admin/products/${id}`, flash: 'The product is saved.' }),
      back: '/admin/products',
      form: (sent) => formPage(reply, id, sent),
    })
  })

  // Publishing, withdrawing and archiving are resources of their own, each with what staff are told after.
  const statusChanges = [
    ['publication', 'active', 'The product is published: it is in the shop now.'],
    ['withdrawal', 'draft', 'The product is a draft again: it is no longer in the shop.'],
    ['archival', 'archived', 'The product is archived: its page tells visitors and search engines it is gone.'],
  ] as const
  for (const [resource, status, flash] of statusChanges) {
    app.post<IdParams>(`/admin/products/:id/${resource}`, async (request, reply) =>
      reply.answer(await setProductStatus(app.db, idOf(request), status, signedInUser(request)), {
        done: ({ id }) => ({ to: `/admin/products/${id}`, flash }),
        back: '/admin/products',
      }),
    )
  }

  app.get<IdParams>('/admin/products/:id/archival', async (request, reply) =>
    reply.show('admin/products/archive', await productArchivalPage(app.db, idOf(request))),
  )

  app.post<IdParams>('/admin/products/:id/copies', async (request, reply) =>
    reply.answer(await duplicateProduct(app.db, idOf(request), signedInUser(request)), {
      done: ({ id }) => ({
        to: `/admin/products/${id}`,
        flash: 'This is a copy, saved as a draft. Check its title and SKUs, then publish it.',
      }),
      back: '/admin/products',
    }),
  )
}
