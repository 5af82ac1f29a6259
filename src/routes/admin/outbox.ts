import type { FastifyInstance } from 'fastify'
import { formValues } from '../../lib/forms.js'
import { type IdParams, idOf } from '../../lib/ids.js'
import { validate } from '../../lib/validation.js'
import { outboxFilterInput } from '../../modules/mail/mail.forms.js'
import { outboxEmailPage, outboxPage, resendEmail } from '../../modules/mail/mail.service.js'
import { signedInUser } from '../../plugins/auth.js'

/** The outbox: every email the shop has written, sent or failed, each readable and sendable again. */
export default async function outboxRoutes(app: FastifyInstance) {
  app.get<{ Querystring: Record<string, string> }>('/admin/outbox', async (request, reply) => {
    const page = await outboxPage(app.db, validate(outboxFilterInput, request.query))
    return reply.show('admin/outbox/index', { ...page, values: formValues(request.query) })
  })

  app.get<IdParams>('/admin/outbox/:id', async (request, reply) => {
    const page = await outboxEmailPage(app.db, idOf(request))
    return reply.show('admin/outbox/show', page)
  })

  app.post<IdParams>('/admin/outbox/:id/resend', async (request, reply) => {
    const result = await resendEmail(app.db, idOf(request), signedInUser(request))
    if (result.kind === 'resent') app.wakeMailWorker()
    return reply.answer(result, {
      done: ({ email }) => ({
        to: `/admin/outbox/${email.id}`,
        flash: `The email is in the outbox again, to ${email.to_address}.`,
      }),
      back: '/admin/outbox',
    })
  })
}
