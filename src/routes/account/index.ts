import type { FastifyInstance } from 'fastify'
import { resendVerification } from '../../modules/accounts/accounts.service.js'
import { requireUser } from '../../plugins/auth.js'

/** /account: everything here needs a signed-in user; the guard is set once for the whole area. */
export default async function accountArea(app: FastifyInstance) {
  app.addHook('preHandler', requireUser)

  app.get('/account', async (request, reply) => {
    return reply.render('account/index', { title: 'Your account', noindex: true, user: request.user })
  })

  app.post('/account/verification', async (request, reply) => {
    const user = request.user
    if (user && !user.email_verified_at) {
      await resendVerification(app.db, user, request.accountContext())
      app.wakeMailWorker()
      request.flash('success', `We have sent a new link to ${user.email}.`)
    }
    return reply.redirect('/account', 303)
  })
}
