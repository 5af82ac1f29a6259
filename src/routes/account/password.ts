import type { FastifyInstance } from 'fastify'
import { withValid } from '../../lib/outcomes.js'
import { validate } from '../../lib/validation.js'
import { changePasswordInput } from '../../modules/accounts/accounts.forms.js'
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
    const result = await withValid(validate(changePasswordInput, request.body), (input) =>
      changePassword(app.db, user, input, ctx),
    )
    // A privilege change: the session gets a new id too.
    if (result.kind === 'changed') await startUserSession(request, user, request.session.get('remember') ?? false)
    return reply.answer(result, {
      done: () => ({
        to: '/account',
        flash: 'Your password has been changed. Any other device you were signed in on is now signed out.',
      }),
      back: '/account/password',
      form: ({ errors }) => reply.render('account/password/edit', { ...page, errors }),
    })
  })
}
