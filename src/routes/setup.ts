import type { FastifyInstance } from 'fastify'
import { createOwner, isLiveSetupToken } from '../modules/accounts/owner-setup.service.js'
import { startUserSession } from '../plugins/auth.js'

const page = { title: 'Set up your shop', noindex: true }

/** /setup?token=…: the one-time link printed at start while the shop has no owner. */
export default async function setupRoutes(app: FastifyInstance) {
  app.get<{ Querystring: { token?: string } }>('/setup', async (request, reply) => {
    const token = typeof request.query.token === 'string' ? request.query.token : ''
    const live = token !== '' && (await isLiveSetupToken(app.db, token))
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer')
    return reply.code(live ? 200 : 410).render('setup/new', { ...page, live, token, values: {}, errors: {} })
  })

  app.post<{ Body: Record<string, unknown> }>('/setup', async (request, reply) => {
    const token = typeof request.body?.token === 'string' ? request.body.token : ''
    const result = await createOwner(app.db, token, request.body, request.accountContext())
    reply.header('cache-control', 'no-store')
    if (result.kind === 'gone') {
      return reply.code(410).render('setup/new', { ...page, live: false, token: '', values: {}, errors: {} })
    }
    if (result.kind === 'invalid') {
      return reply.formErrors('setup/new', { ...page, live: true, token }, result.errors)
    }
    app.wakeMailWorker()
    await startUserSession(request, result.user, false)
    request.flash('success', 'Your owner account is ready. Set up two-factor sign-in to open the back office.')
    return reply.redirect('/account/two-factor', 303)
  })
}
