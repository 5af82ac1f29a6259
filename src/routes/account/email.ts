import type { FastifyInstance } from 'fastify'
import { withValid } from '../../lib/outcomes.js'
import { validate } from '../../lib/validation.js'
import { changeEmailInput } from '../../modules/accounts/accounts.forms.js'
import { requestEmailChange } from '../../modules/accounts/profile.service.js'
import { signedInUser } from '../../plugins/auth.js'

const page = { title: 'Change your email address', noindex: true }

export default async function emailRoutes(app: FastifyInstance) {
  app.get('/account/email', async (_request, reply) =>
    reply.render('account/email/edit', { ...page, values: {}, errors: {} }),
  )

  app.post('/account/email', async (request, reply) => {
    const result = await withValid(validate(changeEmailInput, request.body), (input) =>
      requestEmailChange(app.db, signedInUser(request), input, request.accountContext()),
    )
    return reply.answer(result, {
      done: ({ email }) => {
        app.wakeMailWorker()
        const flash = `We have sent a link to ${email}. Your address changes when you follow it; until then it stays the same.`
        return { to: '/account', flash }
      },
      back: '/account/email',
      form: (sent) => reply.render('account/email/edit', { ...page, ...sent }),
    })
  })
}
