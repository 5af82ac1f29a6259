import type { FastifyInstance } from 'fastify'
import { linkTokenInput } from '../modules/accounts/accounts.forms.js'
import { confirmEmailChange } from '../modules/accounts/profile.service.js'
import { linkPage } from '../modules/accounts/tokens.js'

const page = { title: 'Confirm your new email address', noindex: true }

/** Like /verify-email: the link opens a page, and only its button uses the link up. */
export default async function confirmEmailRoutes(app: FastifyInstance) {
  app.get('/confirm-email', async (request, reply) => {
    const link = await linkPage(app.db, 'change_email', linkTokenInput.parse(request.query).token)
    reply.header('referrer-policy', 'no-referrer')
    return reply.code(link.live ? 200 : 410).render('confirm-email/show', { ...page, ...link })
  })

  app.post('/confirm-email', async (request, reply) => {
    const { token } = linkTokenInput.parse(request.body)
    const result = await confirmEmailChange(app.db, token, request.accountContext())
    return reply.answer(result, {
      done: ({ user }) => {
        app.wakeMailWorker()
        return { to: request.user ? '/account' : '/login', flash: `Your email address is now ${user.email}.` }
      },
      back: '/confirm-email',
      gone: () => reply.render('confirm-email/show', { ...page, token: '', live: false }),
    })
  })
}
