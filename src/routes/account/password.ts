import type { FastifyInstance } from 'fastify'
import { changePassword } from '../../modules/accounts/profile.service.js'
import { signedInUser, startUserSession } from '../../plugins/auth.js'

const page = { title: 'Change your password', noindex: true }

export default async function passwordRoutes(app: FastifyInstance) {
  app.get('/account/password', async (_request, reply) =>
    reply.render('account/password/edit', { ...page, errors: {} }),
  )

  app.post('/account/password', async (request, reply) => {
    const user = signedInUser(request)
    const ctx = { ...request.accountContext(), sessionId: request.session.sessionId }
    const result = await changePassword(app.db, user, request.body, ctx)
    if (!result.ok) return reply.code(422).render('account/password/edit', { ...page, errors: result.errors })
    // A privilege change: the session gets a new id too.
    await startUserSession(request, user, request.session.get('remember') ?? false)
    request.flash(
      'success',
      'Your password has been changed. Any other device you were signed in on is now signed out.',
    )
    return reply.redirect('/account', 303)
  })
}
