import type { FastifyInstance } from 'fastify'
import { verifyEmail } from '../modules/accounts/accounts.service.js'
import { peekToken } from '../modules/accounts/tokens.js'

const page = { title: 'Confirm your email address', noindex: true }

/**
 * The link in the email opens a page with a button; only the button's POST
 * uses the link up. Mail scanners that fetch every link therefore cannot
 * spend it before the person does.
 */
export default async function verifyEmailRoutes(app: FastifyInstance) {
  app.get<{ Querystring: { token?: string } }>('/verify-email', async (request, reply) => {
    const token = typeof request.query.token === 'string' ? request.query.token : ''
    const live = token ? await peekToken(app.db, 'verify_email', token) : undefined
    reply.header('referrer-policy', 'no-referrer')
    return reply.code(live ? 200 : 410).render('verify-email/show', { ...page, token, live: !!live })
  })

  app.post<{ Body: { token?: unknown } }>('/verify-email', async (request, reply) => {
    const token = typeof request.body?.token === 'string' ? request.body.token : ''
    const user = token ? await verifyEmail(app.db, token, request.accountContext()) : null
    if (!user) {
      return reply.code(410).render('verify-email/show', { ...page, token: '', live: false })
    }
    request.flash('success', `Thank you. ${user.email} is confirmed.`)
    return reply.redirect(request.user ? '/account' : '/login', 303)
  })
}
