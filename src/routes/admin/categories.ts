import type { FastifyInstance, FastifyReply } from 'fastify'
import { type IdParams, idOf } from '../../lib/ids.js'
import { withValid } from '../../lib/outcomes.js'
import { validate } from '../../lib/validation.js'
import { moveInput } from '../../modules/categories/categories.forms.js'
import { createCategory, moveCategory, updateCategory } from '../../modules/categories/categories.service.js'
import { categoriesPage, categoryFormPage, categorySchema } from '../../modules/categories/category-pages.js'
import { signedInUser } from '../../plugins/auth.js'

/** Categories: the tree in the shop's order, create, edit (new and edit share one form), nest and order. */
export default async function categoryRoutes(app: FastifyInstance) {
  app.get('/admin/categories', async (_request, reply) =>
    reply.render('admin/categories/index', await categoriesPage(app.db)),
  )

  /** The new (id null) or edit form, as stored or as sent. */
  async function formPage(reply: FastifyReply, id: number | null, sent?: Parameters<typeof categoryFormPage>[2]) {
    return reply.show(
      id === null ? 'admin/categories/new' : 'admin/categories/edit',
      await categoryFormPage(app.db, id, sent),
    )
  }

  app.get('/admin/categories/new', async (_request, reply) => formPage(reply, null))

  const saved = {
    done: () => ({ to: '/admin/categories', flash: 'The category is saved.' }),
    back: '/admin/categories',
  }

  app.post('/admin/categories', async (request, reply) => {
    const result = await withValid(validate(await categorySchema(app.db), request.body), (input) =>
      createCategory(app.db, input, signedInUser(request)),
    )
    return reply.answer(result, { ...saved, form: (sent) => formPage(reply, null, sent) })
  })

  app.get<IdParams>('/admin/categories/:id', async (request, reply) => formPage(reply, idOf(request)))

  app.post<IdParams>('/admin/categories/:id', async (request, reply) => {
    const id = idOf(request)
    const result = await withValid(validate(await categorySchema(app.db), request.body), (input) =>
      updateCategory(app.db, id, input, signedInUser(request)),
    )
    return reply.answer(result, { ...saved, form: (sent) => formPage(reply, id, sent) })
  })

  app.post<IdParams>('/admin/categories/:id/position', async (request, reply) => {
    const id = idOf(request)
    const result = await withValid(validate(moveInput, request.body), (input) =>
      moveCategory(app.db, id, input.direction, signedInUser(request)),
    )
    return reply.answer(result, { done: () => ({ to: `/admin/categories#category-${id}` }), back: '/admin/categories' })
  })
}
