import type { FastifyInstance } from 'fastify'
import { resendVerification } from '../../modules/accounts/accounts.service.js'
import { requireUser, signedInUser } from '../../plugins/auth.js'
import deletionRoutes from './deletion.js'
import emailRoutes from './email.js'
import exportRoutes from './export.js'
import orderHistoryRoutes from './orders.js'
import passwordRoutes from './password.js'
import profileRoutes from './profile.js'
import sessionsRoutes from './sessions.js'
import twoFactorRoutes from './two-factor.js'

/** /account: everything here needs a signed-in user; the guard is set once for the whole area. */
export default async function accountArea(app: FastifyInstance) {
  app.addHook('preHandler', requireUser)

  app.get('/account', async (request, reply) => {
    return reply.render('account/index', { title: 'Your account', noindex: true, user: request.user })
  })

  app.post('/account/verification', async (request, reply) => {
    const result = await resendVerification(app.db, signedInUser(request), request.accountContext())
    return reply.answer(result, {
      done: (ok) => {
        if (ok.kind === 'confirmed') return { to: '/account' }
        app.wakeMailWorker()
        return { to: '/account', flash: `We have sent a new link to ${ok.email}.` }
      },
      back: '/account',
    })
  })

  await app.register(orderHistoryRoutes)
  await app.register(profileRoutes)
  await app.register(passwordRoutes)
  await app.register(emailRoutes)
  await app.register(sessionsRoutes)
  await app.register(twoFactorRoutes)
  await app.register(exportRoutes)
  await app.register(deletionRoutes)
}
