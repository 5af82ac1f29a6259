import type { FastifyInstance, FastifyReply } from 'fastify'
import { type IdParams, idOf } from '../../lib/ids.js'
import { withValid } from '../../lib/outcomes.js'
import { type FieldErrors, validate } from '../../lib/validation.js'
import {
  createDiscount,
  discountEndingPage,
  discountFormPage,
  discountSchema,
  discountsPage,
  endDiscount,
  updateDiscount,
} from '../../modules/discounts/discount-admin.service.js'
import { signedInUser } from '../../plugins/auth.js'

/** Discount codes: the list with their uses, create, edit (new and edit share one form), and end (confirmed first). */
export default async function discountRoutes(app: FastifyInstance) {
  async function formPage(
    reply: FastifyReply,
    id: number | null,
    sent?: { values: Record<string, string>; errors: FieldErrors },
  ) {
    return reply.show(
      id === null ? 'admin/discounts/new' : 'admin/discounts/edit',
      await discountFormPage(app.db, id, sent),
    )
  }

  const saved = (id: number) => ({ to: `/admin/discounts/${id}`, flash: 'The discount code is saved.' })

  app.get('/admin/discounts', async (_request, reply) =>
    reply.render('admin/discounts/index', await discountsPage(app.db)),
  )

  app.get('/admin/discounts/new', async (_request, reply) => formPage(reply, null))

  app.post('/admin/discounts', async (request, reply) => {
    const result = await withValid(validate(await discountSchema(app.db), request.body), (input) =>
      createDiscount(app.db, input, signedInUser(request)),
    )
    return reply.answer(result, {
      done: ({ id }) => saved(id),
      back: '/admin/discounts',
      form: (sent) => formPage(reply, null, sent),
    })
  })

  app.get<IdParams>('/admin/discounts/:id', async (request, reply) => formPage(reply, idOf(request)))

  app.post<IdParams>('/admin/discounts/:id', async (request, reply) => {
    const id = idOf(request)
    const result = await withValid(validate(await discountSchema(app.db), request.body), (input) =>
      updateDiscount(app.db, id, input, signedInUser(request)),
    )
    return reply.answer(result, {
      done: () => saved(id),
      back: '/admin/discounts',
      form: (sent) => formPage(reply, id, sent),
    })
  })

  app.get<IdParams>('/admin/discounts/:id/ending', async (request, reply) => {
    const page = await discountEndingPage(app.db, idOf(request))
    return reply.show('admin/discounts/end', page)
  })

  app.post<IdParams>('/admin/discounts/:id/ending', async (request, reply) => {
    const result = await endDiscount(app.db, idOf(request), signedInUser(request))
    return reply.answer(result, {
      done: ({ id }) => ({ to: `/admin/discounts/${id}`, flash: 'The discount code has ended: it no longer applies.' }),
      back: '/admin/discounts',
    })
  })
}
