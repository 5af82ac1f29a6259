import type { FastifyInstance } from 'fastify'
import { withValid } from '../lib/outcomes.js'
import { validate } from '../lib/validation.js'
import { forgotPasswordInput } from '../modules/accounts/password-reset.forms.js'
import { requestPasswordReset } from '../modules/accounts/password-reset.service.js'

const page = {
  title: 'Forgot your password?',
  description: 'Ask for a link to choose a new password for your account.',
}

export default async function forgotPasswordRoutes(app: FastifyInstance) {
  app.get('/forgot-password', async (_request, reply) => {
    return reply.render('forgot-password/new', { ...page, values: {}, errors: {} })
  })

  app.post('/forgot-password', async (request, reply) => {
    const result = await withValid(validate(forgotPasswordInput, request.body), (input) =>
      requestPasswordReset(app.db, input, request.accountContext()),
    )
    return reply.answer(result, {
      done: ({ email }) => {
        app.wakeMailWorker()
        const flash = `If ${email} has an account with us, we have sent it an email with a link to choose a new password. The link works for 1 hour.`
        return { to: '/login', flash }
      },
      back: '/forgot-password',
      form: (sent) => reply.render('forgot-password/new', { ...page, ...sent }),
    })
  })
}
