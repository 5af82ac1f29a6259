import type { FastifyInstance } from 'fastify'
import { formValues } from '../lib/forms.js'
import { signUp } from '../modules/accounts/accounts.service.js'
import { describeWait } from '../modules/accounts/throttle.js'

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
    const result = await signUp(app.db, request.body, request.accountContext())
    if (!result.ok && 'retryAfterSeconds' in result) {
      // The name and address stay in the form (never the password); no session is started for it.
      return reply
        .code(429)
        .header('retry-after', String(result.retryAfterSeconds))
        .render('signup/new', {
          ...page,
          values: formValues(request.body),
          errors: {},
          refusal: {
            title: 'Please wait before you create another account',
            message: `There have been too many sign-ups from your internet connection in the past hour. Wait ${describeWait(result.retryAfterSeconds)}, then try again.`,
          },
        })
    }
    if (!result.ok) {
      return reply.formErrors('signup/new', page, result.errors)
    }
    app.wakeMailWorker()
    request.flash(
      'success',
      `We have sent an email to ${result.email}. Follow the link in it to confirm your address. You can sign in now.`,
    )
    return reply.redirect('/login', 303)
  })
}
