import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { csvLines } from '../../lib/csv.js'
import { type IdParams, idOf, optionalIdText } from '../../lib/ids.js'
import { formatMoney } from '../../lib/money.js'
import { keysetLinks, withFilters } from '../../lib/pagination.js'
import { validate } from '../../lib/validation.js'
import { selectCustomers } from '../../modules/customers/customers.repository.js'
import { customerPage, listCustomers, setCustomerAccess } from '../../modules/customers/customers.service.js'
import { getShopSettings } from '../../modules/settings/settings.service.js'
import { signedInUser } from '../../plugins/auth.js'

const customerFilter = z.object({
  q: z.string().trim().max(100, 'Search for at most 100 characters').default(''),
  before: optionalIdText(),
})

/** Customers: the list and search, a customer's orders and what they spent, disabling an account (confirmed first). */
export default async function customerRoutes(app: FastifyInstance) {
  const money = async () => {
    const shop = await getShopSettings(app.db)
    return (minor: number) => formatMoney(minor, shop.currency, shop.locale)
  }

  app.get<{ Querystring: Record<string, string> }>('/admin/customers', async (request, reply) => {
    const checked = validate(customerFilter, request.query)
    const filter = checked.ok ? checked.value : customerFilter.parse({})
    const { customers, olderThan } = checked.ok
      ? await listCustomers(app.db, { q: filter.q, before: filter.before ? Number(filter.before) : null })
      : { customers: [], olderThan: null }
    return reply.code(checked.ok ? 200 : 422).render('admin/customers/index', {
      title: 'Customers',
      customers,
      values: request.query,
      errors: checked.ok ? {} : checked.errors,
      csvHref: withFilters('/admin/customers.csv', { q: filter.q }),
      ...keysetLinks('/admin/customers', { q: filter.q }, olderThan, filter.before),
    })
  })

  // The list as a spreadsheet: exactly the customers the same search shows, streamed in keyset pages.
  app.get<{ Querystring: Record<string, string> }>('/admin/customers.csv', async (request, reply) => {
    const checked = validate(customerFilter, request.query)
    if (!checked.ok)
      return reply.code(422).type('text/plain; charset=utf-8').send(Object.values(checked.errors).join('\n'))
    const { q, before: start } = checked.value
    const lines = csvLines(
      ['id', 'name', 'email', 'joined', 'orders', 'disabled_at'],
      (before, batch) => selectCustomers(app.db, { q, before: before ?? (start ? Number(start) : null), limit: batch }),
      (c) => [c.id, c.name, c.email, c.created_at, Number(c.orders), c.disabled_at],
    )
    return reply
      .type('text/csv; charset=utf-8')
      .header('cache-control', 'private, no-store')
      .header('content-disposition', 'attachment; filename="customers.csv"')
      .send(Readable.from(lines))
  })

  app.get<IdParams>('/admin/customers/:id', async (request, reply) => {
    const found = await customerPage(app.db, idOf(request))
    if (!found) return reply.callNotFound()
    return reply.render('admin/customers/show', {
      title: found.customer.name,
      ...found,
      money: await money(),
    })
  })

  async function confirmPage(reply: FastifyReply, id: number) {
    const found = await customerPage(app.db, id)
    if (!found) return reply.callNotFound()
    return reply.render('admin/customers/disable', {
      title: `Disable ${found.customer.name}`,
      ...found,
    })
  }

  app.get<IdParams>('/admin/customers/:id/disablement', async (request, reply) => confirmPage(reply, idOf(request)))

  const change = (enabled: boolean) => async (request: FastifyRequest<IdParams>, reply: FastifyReply) => {
    const id = idOf(request)
    const result = await setCustomerAccess(app.db, id, signedInUser(request), enabled)
    if (result.kind === 'missing') return reply.callNotFound()
    request.flash(
      result.kind === 'refused' ? 'error' : 'success',
      result.kind === 'refused'
        ? result.message
        : enabled
          ? 'The account is enabled: they can sign in again.'
          : 'The account is disabled and signed out everywhere.',
    )
    return reply.redirect(`/admin/customers/${id}`, 303)
  }
  app.post<IdParams>('/admin/customers/:id/disablement', change(false))
  app.post<IdParams>('/admin/customers/:id/enablement', change(true))
}
