import type { FastifyInstance } from 'fastify'
import { signUp } from '../../modules/accounts/accounts.service.js'

const page = {
  title: 'Create an account',
  description: 'Create an account to check out faster and follow your orders.',
}

export default async function signupRoutes(app: FastifyInstance) {
  app.get('/signup', async (request, reply) => {
    if (request.user) return reply.redirect('/account', 303)
    return reply.render('auth/signup/new', { ...page, values: {}, errors: {} })
  })

  app.post('/signup', async (request, reply) => {
    const result = await signUp(app.db, request.body, request.accountContext())
    if (!result.ok) {
      return reply.formErrors('auth/signup/new', page, result.errors)
    }
    app.wakeMailWorker()
    request.flash(
      'success',
      `We have sent an email to ${result.email}. Follow the link in it to confirm your address. You can sign in now.`,
    )
    return reply.redirect('/login', 303)
  })
}
