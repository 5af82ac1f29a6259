import type { FastifyInstance } from 'fastify'
import { formValues } from '../lib/forms.js'
import { withValid } from '../lib/outcomes.js'
import { validate } from '../lib/validation.js'
import { signUpInput } from '../modules/accounts/accounts.forms.js'
import { signUp } from '../modules/accounts/accounts.service.js'

const page = {
  title: 'Create an account',
  description: 'Create an account to check out faster and follow your orders.',
}

export default async function signupRoutes(app: FastifyInstance) {
  app.get('/signup', async (request, reply) => {
    if (request.user) return reply.redirect('/account', 303)
    return reply.render('signup/new', { ...page, values: {}, errors: {} })
  })

  app.post('/signup', async (request, reply) => {
    const result = await withValid(validate(signUpInput, request.body), (input) =>
      signUp(app.db, input, request.accountContext()),
    )
    if (result.kind === 'throttled') {
      // The name and address stay in the form (never the password); no session is started for it.
      const { refusal, retryAfterSeconds } = result
      reply.code(429).header('retry-after', String(retryAfterSeconds))
      return reply.render('signup/new', { ...page, values: formValues(request.body), errors: {}, refusal })
    }
    return reply.answer(result, {
      done: ({ email }) => {
        app.wakeMailWorker()
        const flash = `We have sent an email to ${email}. Follow the link in it to confirm your address. You can sign in now.`
        return { to: '/login', flash }
      },
      back: '/signup',
      form: (sent) => reply.render('signup/new', { ...page, ...sent }),
    })
  })
}
