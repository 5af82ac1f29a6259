import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { type IdParams, idOf, optionalIdText } from '../../lib/ids.js'
import { withFields } from '../../lib/objects.js'
import { keysetLinks, keysetPage } from '../../lib/pagination.js'
import { validate } from '../../lib/validation.js'
import { selectEmail, selectOutbox } from '../../modules/mail/mail.repository.js'
import { resendEmail, textForPage } from '../../modules/mail/mail.service.js'
import { signedInUser } from '../../plugins/auth.js'

const PER_PAGE = 50
const outboxFilter = z.object({
  status: z.enum(['', 'pending', 'sending', 'sent', 'failed']).default(''),
  before: optionalIdText(),
})

/** The outbox: every email the shop has written, sent or failed, each readable and sendable again. */
export default async function outboxRoutes(app: FastifyInstance) {
  app.get<{ Querystring: Record<string, string> }>('/admin/outbox', async (request, reply) => {
    const checked = validate(outboxFilter, request.query)
    const filter = checked.ok ? checked.value : outboxFilter.parse({})
    const rows = checked.ok
      ? await selectOutbox(app.db, {
          status: filter.status || undefined,
          beforeId: filter.before ? Number(filter.before) : undefined,
          limit: PER_PAGE + 1,
        })
      : []
    const { items: emails, olderThan } = keysetPage(rows, PER_PAGE)
    return reply.code(checked.ok ? 200 : 422).render('admin/outbox/index', {
      title: 'Outbox',
      emails,
      values: request.query,
      errors: checked.ok ? {} : checked.errors,
      ...keysetLinks('/admin/outbox', { status: filter.status }, olderThan, filter.before),
    })
  })

  app.get<IdParams>('/admin/outbox/:id', async (request, reply) => {
    const email = await selectEmail(app.db, idOf(request))
    if (!email) return reply.callNotFound()
    return reply.render('admin/outbox/show', {
      // The layout adds the area and the shop's name: the subject's start, so the title stays under 70 characters.
      title: email.subject.length > 26 ? `${email.subject.slice(0, 25).trimEnd()}…` : email.subject,
      email: withFields(email, { text: textForPage(email.text) }),
    })
  })

  app.post<IdParams>('/admin/outbox/:id/resend', async (request, reply) => {
    const copy = await resendEmail(app.db, idOf(request), signedInUser(request))
    if (!copy) return reply.callNotFound()
    app.wakeMailWorker()
    request.flash('success', `The email is in the outbox again, to ${copy.to_address}.`)
    return reply.redirect(`/admin/outbox/${copy.id}`, 303)
  })
}
