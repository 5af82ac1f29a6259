import type { FastifyInstance } from 'fastify'
import { requestEmailChange } from '../../modules/accounts/profile.service.js'
import { signedInUser } from '../../plugins/auth.js'

const page = { title: 'Change your email address', noindex: true }

export default async function emailRoutes(app: FastifyInstance) {
  app.get('/account/email', async (_request, reply) =>
    reply.render('account/email/edit', { ...page, values: {}, errors: {} }),
  )

  app.post('/account/email', async (request, reply) => {
    const result = await requestEmailChange(app.db, signedInUser(request), request.body, request.accountContext())
    if (!result.ok) {
      return reply.formErrors('account/email/edit', page, result.errors)
    }
    app.wakeMailWorker()
    request.flash(
      'success',
      `We have sent a link to ${result.value}. Your address changes when you follow it; until then it stays the same.`,
    )
    return reply.redirect('/account', 303)
  })
}
