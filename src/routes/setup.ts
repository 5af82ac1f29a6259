import type { FastifyInstance } from 'fastify'
import { validate } from '../lib/validation.js'
import { linkTokenInput, signUpInput } from '../modules/accounts/accounts.forms.js'
import { createOwner, isLiveSetupToken } from '../modules/accounts/owner-setup.service.js'
import { startUserSession } from '../plugins/auth.js'

const page = { title: 'Set up your shop', noindex: true }

/** /setup?token=…: the one-time link printed at start while the shop has no owner. */
export default async function setupRoutes(app: FastifyInstance) {
  app.get('/setup', async (request, reply) => {
    const { token } = linkTokenInput.parse(request.query)
    const live = await isLiveSetupToken(app.db, token)
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer')
    return reply.code(live ? 200 : 410).render('setup/new', { ...page, live, token, values: {}, errors: {} })
  })

  app.post('/setup', async (request, reply) => {
    const { token } = linkTokenInput.parse(request.body)
    const result = await createOwner(app.db, token, validate(signUpInput, request.body), request.accountContext())
    reply.header('cache-control', 'no-store')
    if (result.kind === 'created') await startUserSession(request, result.user, false)
    return reply.answer(result, {
      done: () => {
        app.wakeMailWorker()
        return {
          to: '/account/two-factor',
          flash: 'Your owner account is ready. Set up two-factor sign-in to open the back office.',
        }
      },
      back: '/setup',
      form: (sent) => reply.render('setup/new', { ...page, live: true, token, ...sent }),
      gone: () => reply.render('setup/new', { ...page, live: false, token: '', values: {}, errors: {} }),
    })
  })
}
