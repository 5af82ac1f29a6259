import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { FieldErrors } from '../../lib/validation.js'
import { validate } from '../../lib/validation.js'
import { secondFactorInput, turnOffTwoFactorInput } from '../../modules/accounts/accounts.forms.js'
import {
  disableTwoFactor,
  enableTwoFactor,
  twoFactorOnPage,
  twoFactorPage,
} from '../../modules/accounts/two-factor.service.js'
import { signedInUser, startUserSession } from '../../plugins/auth.js'

const page = { title: 'Two-factor sign-in', noindex: true }

export default async function twoFactorRoutes(app: FastifyInstance) {
  /** The page as it stands, with the form's messages; a secret made for it is kept in the session. */
  async function show(request: FastifyRequest, errors: FieldErrors = {}) {
    const { data, newSecret } = await twoFactorPage(
      app.db,
      signedInUser(request),
      request.session.get('pendingTotpSecret'),
    )
    if (newSecret) request.session.set('pendingTotpSecret', newSecret)
    return { ...page, ...data, errors }
  }

  app.get('/account/two-factor', async (request, reply) => reply.render('account/two-factor/show', await show(request)))

  app.post('/account/two-factor', async (request, reply) => {
    const user = signedInUser(request)
    const secret = request.session.get('pendingTotpSecret')
    const form = validate(secondFactorInput, request.body)
    const result = await enableTwoFactor(app.db, user, secret, form, request.accountContext())
    if (result.kind === 'enabled') {
      // A privilege change: a new session id, carrying the codes to show once.
      await startUserSession(request, user, request.session.get('remember') ?? false)
      request.session.set('recoveryCodesToShow', result.recoveryCodes)
    }
    return reply.answer(result, {
      done: (ok) => ({ to: ok.kind === 'enabled' ? '/account/two-factor/recovery-codes' : '/account/two-factor' }),
      back: '/account/two-factor',
      form: async ({ errors }) => reply.render('account/two-factor/show', await show(request, errors)),
    })
  })

  app.get('/account/two-factor/recovery-codes', async (request, reply) => {
    const codes = request.session.get('recoveryCodesToShow')
    if (!codes) return reply.redirect('/account/two-factor', 303)
    request.session.set('recoveryCodesToShow', undefined)
    reply.header('cache-control', 'no-store')
    return reply.render('account/two-factor/recovery-codes', { ...page, title: 'Your recovery codes', codes })
  })

  app.post('/account/two-factor/disabling', async (request, reply) => {
    const user = signedInUser(request)
    const form = validate(turnOffTwoFactorInput, request.body)
    const result = await disableTwoFactor(app.db, user, form, request.accountContext())
    return reply.answer(result, {
      done: () => ({ to: '/account', flash: 'Two-factor sign-in is off.' }),
      back: '/account/two-factor',
      form: async ({ errors }) =>
        reply.render('account/two-factor/show', { ...page, ...(await twoFactorOnPage(app.db, user)), errors }),
    })
  })
}
