import type { FastifyInstance } from 'fastify'
import { linkTokenInput } from '../modules/accounts/accounts.forms.js'
import { verifyEmail } from '../modules/accounts/accounts.service.js'
import { linkPage } from '../modules/accounts/tokens.js'

const page = { title: 'Confirm your email address', noindex: true }

/**
 * The link in the email opens a page with a button; only the button's POST
 * uses the link up. Mail scanners that fetch every link therefore cannot
 * spend it before the person does.
 */
export default async function verifyEmailRoutes(app: FastifyInstance) {
  app.get('/verify-email', async (request, reply) => {
    const link = await linkPage(app.db, 'verify_email', linkTokenInput.parse(request.query).token)
    reply.header('referrer-policy', 'no-referrer')
    return reply.code(link.live ? 200 : 410).render('verify-email/show', { ...page, ...link })
  })

  app.post('/verify-email', async (request, reply) => {
    const { token } = linkTokenInput.parse(request.body)
    const result = await verifyEmail(app.db, token, request.accountContext())
    return reply.answer(result, {
      done: ({ user }) => ({
        to: request.user ? '/account' : '/login',
        flash: `Thank you. ${user.email} is confirmed.`,
      }),
      back: '/verify-email',
      gone: () => reply.render('verify-email/show', { ...page, token: '', live: false }),
    })
  })
}
