import type { FastifyInstance } from 'fastify'
import { endSession, listSessions } from '../../modules/accounts/profile.service.js'
import { signedInUser } from '../../plugins/auth.js'

export default async function sessionsRoutes(app: FastifyInstance) {
  app.get('/account/sessions', async (request, reply) => {
    const sessions = await listSessions(app.db, signedInUser(request), request.session.sessionId)
    return reply.render('account/sessions/index', { title: 'Where you are signed in', noindex: true, sessions })
  })

  // Ending a session is its own resource: POST /account/sessions/:id/ending.
  app.post<{ Params: { id: string } }>('/account/sessions/:id/ending', async (request, reply) => {
    const current = request.params.id === request.session.sessionId
    const ended = await endSession(app.db, signedInUser(request), request.params.id, request.accountContext())
    if (current && ended) return reply.redirect('/login?signed_out=1', 303)
    request.flash(
      ended ? 'success' : 'error',
      ended ? 'That device is now signed out.' : 'That session had already ended.',
    )
    return reply.redirect('/account/sessions', 303)
  })
}
