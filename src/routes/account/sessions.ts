import type { FastifyInstance } from 'fastify'
import { withValid } from '../../lib/outcomes.js'
import { validate } from '../../lib/validation.js'
import { appEndingInput, sessionEndingInput } from '../../modules/accounts/accounts.forms.js'
import { endAppSession, endSession, sessionsPage } from '../../modules/accounts/profile.service.js'
import { signedInUser } from '../../plugins/auth.js'

export default async function sessionsRoutes(app: FastifyInstance) {
  app.get('/account/sessions', async (request, reply) => {
    const data = await sessionsPage(app.db, signedInUser(request), request.session.sessionId)
    return reply.render('account/sessions/index', { title: 'Where you are signed in', noindex: true, ...data })
  })

  // Ending a session is its own resource: POST /account/sessions/:id/ending.
  app.post('/account/sessions/:id/ending', async (request, reply) => {
    const current = request.session.sessionId
    const result = await withValid(validate(sessionEndingInput, request.params), ({ id }) =>
      endSession(app.db, signedInUser(request), id, current, request.accountContext()),
    )
    return reply.answer(result, {
      // Ending the session in use signs this browser out, as /logout does.
      done: (ended) =>
        ended.current
          ? { to: '/login?signed_out=1' }
          : { to: '/account/sessions', flash: 'That device is now signed out.' },
      back: '/account/sessions',
    })
  })

  // An app signed in through the API: its access token is revoked.
  app.post('/account/sessions/apps/:id/ending', async (request, reply) => {
    const { id } = appEndingInput.parse(request.params)
    const result = await endAppSession(app.db, signedInUser(request), id, request.accountContext())
    return reply.answer(result, {
      done: () => ({ to: '/account/sessions', flash: 'That app is now signed out.' }),
      back: '/account/sessions',
    })
  })
}
