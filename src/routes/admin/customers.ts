import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { formValues } from '../../lib/forms.js'
import { type IdParams, idOf } from '../../lib/ids.js'
import { validate } from '../../lib/validation.js'
import { customerFilterInput } from '../../modules/customers/customers.forms.js'
import {
  customerDisablementPage,
  customerPage,
  customersCsv,
  customersPage,
  setCustomerAccess,
} from '../../modules/customers/customers.service.js'
import { signedInUser } from '../../plugins/auth.js'

/** Customers: the list and search, a customer's orders and what they spent, disabling an account (confirmed first). */
export default async function customerRoutes(app: FastifyInstance) {
  app.get<{ Querystring: Record<string, string> }>('/admin/customers', async (request, reply) => {
    const page = await customersPage(app.db, validate(customerFilterInput, request.query))
    return reply.show('admin/customers/index', { ...page, values: formValues(request.query) })
  })

  app.get<{ Querystring: Record<string, string> }>('/admin/customers.csv', async (request, reply) => {
    return reply.spreadsheet('customers.csv', validate(customerFilterInput, request.query), (filter) =>
      customersCsv(app.db, filter),
    )
  })

  app.get<IdParams>('/admin/customers/:id', async (request, reply) => {
    const page = await customerPage(app.db, idOf(request))
    return reply.show('admin/customers/show', page)
  })

  app.get<IdParams>('/admin/customers/:id/disablement', async (request, reply) => {
    const page = await customerDisablementPage(app.db, idOf(request))
    return reply.show('admin/customers/disable', page)
  })

  const access = (enabled: boolean, done: string) => async (request: FastifyRequest<IdParams>, reply: FastifyReply) => {
    const id = idOf(request)
    const result = await setCustomerAccess(app.db, id, signedInUser(request), enabled)
    const back = `/admin/customers/${id}`
    return reply.answer(result, { done: () => ({ to: back, flash: done }), back })
  }
  app.post<IdParams>(
    '/admin/customers/:id/disablement',
    access(false, 'The account is disabled and signed out everywhere.'),
  )
  app.post<IdParams>('/admin/customers/:id/enablement', access(true, 'The account is enabled: they can sign in again.'))
}
