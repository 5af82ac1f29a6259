import type { FastifyInstance } from 'fastify'
import { confirmEmailChange } from '../modules/accounts/profile.service.js'
import { peekToken } from '../modules/accounts/tokens.js'

const page = { title: 'Confirm your new email address', noindex: true }

/** Like /verify-email: the link opens a page, and only its button uses the link up. */
export default async function confirmEmailRoutes(app: FastifyInstance) {
  app.get<{ Querystring: { token?: string } }>('/confirm-email', async (request, reply) => {
    const token = typeof request.query.token === 'string' ? request.query.token : ''
    const live = token ? await peekToken(app.db, 'change_email', token) : undefined
    reply.header('referrer-policy', 'no-referrer')
    return reply.code(live ? 200 : 410).render('confirm-email/show', { ...page, token, live: !!live })
  })

  app.post<{ Body: { token?: unknown } }>('/confirm-email', async (request, reply) => {
    const token = typeof request.body?.token === 'string' ? request.body.token : ''
    const user = token ? await confirmEmailChange(app.db, token, request.accountContext()) : null
    if (!user) return reply.code(410).render('confirm-email/show', { ...page, token: '', live: false })
    app.wakeMailWorker()
    request.flash('success', `Your email address is now ${user.email}.`)
    return reply.redirect(request.user ? '/account' : '/login', 303)
  })
}
