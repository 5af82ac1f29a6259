import type { FastifyInstance } from 'fastify'
import { formValues } from '../../lib/forms.js'
import { safeReturnPath } from '../../lib/return-path.js'
import { signIn } from '../../modules/accounts/accounts.service.js'
import { describeWait } from '../../modules/accounts/throttle.js'
import { startUserSession } from '../../plugins/auth.js'

const page = { title: 'Sign in', description: 'Sign in to your account.' }
const FAILED = 'The email address or password is not right'

export default async function loginRoutes(app: FastifyInstance) {
  app.get<{ Querystring: { next?: string; signed_out?: string } }>('/login', async (request, reply) => {
    const next = safeReturnPath(request.query.next)
    if (request.user) return reply.redirect(next, 303)
    return reply.render('auth/login/new', {
      ...page,
      values: {},
      errors: {},
      next,
      signedOut: request.query.signed_out === '1',
    })
  })

  app.post<{ Body: Record<string, unknown> }>('/login', async (request, reply) => {
    const next = safeReturnPath(request.body?.next)
    const result = await signIn(app.db, request.body, request.accountContext())
    const again = (status: number, errors: Record<string, string>) =>
      reply.code(status).render('auth/login/new', { ...page, values: formValues(request.body), errors, next })

    switch (result.kind) {
      case 'invalid':
        return again(422, result.errors)
      case 'failed':
        return again(422, { email: FAILED })
      case 'throttled':
        reply.header('retry-after', String(result.retryAfterSeconds))
        return again(429, {
          email: `Too many attempts to sign in. Wait ${describeWait(result.retryAfterSeconds)}, then try again`,
        })
      case 'disabled':
        return again(422, {
          email: 'This account has been closed by the shop. Contact us if you think that is a mistake',
        })
      case 'signed-in':
        await startUserSession(request, result.user, result.remember)
        request.flash('success', `Welcome back, ${result.user.name}.`)
        return reply.redirect(next, 303)
    }
  })
}
