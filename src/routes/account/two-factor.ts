import type { FastifyInstance } from 'fastify'
import { generateTotpSecret, totpQrSvg, totpUri } from '../../modules/accounts/totp.js'
import {
  disableTwoFactor,
  enableTwoFactor,
  mustUseTwoFactor,
  unusedRecoveryCodes,
} from '../../modules/accounts/two-factor.service.js'
import { getShopSettings } from '../../modules/settings/settings.service.js'
import { signedInUser, startUserSession } from '../../plugins/auth.js'

const page = { title: 'Two-factor sign-in', noindex: true }

export default async function twoFactorRoutes(app: FastifyInstance) {
  app.get('/account/two-factor', async (request, reply) => {
    const user = signedInUser(request)
    if (user.totp_enabled_at) {
      return reply.render('account/two-factor/show', {
        ...page,
        enabled: true,
        required: mustUseTwoFactor(user),
        codesLeft: await unusedRecoveryCodes(app.db, user.id),
        errors: {},
      })
    }
    return reply.render('account/two-factor/show', { ...page, ...(await setUp(request)), enabled: false, errors: {} })
  })

  app.post('/account/two-factor', async (request, reply) => {
    const user = signedInUser(request)
    const secret = request.session.get('pendingTotpSecret')
    if (!secret || user.totp_enabled_at) return reply.redirect('/account/two-factor', 303)
    const result = await enableTwoFactor(app.db, user, secret, request.body, request.accountContext())
    if (!result.ok) {
      return reply.code(422).render('account/two-factor/show', {
        ...page,
        ...(await setUp(request)),
        enabled: false,
        errors: result.errors,
      })
    }
    // A privilege change: a new session id, carrying the codes to show once.
    await startUserSession(request, user, request.session.get('remember') ?? false)
    request.session.set('recoveryCodesToShow', result.value)
    return reply.redirect('/account/two-factor/recovery-codes', 303)
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
    const result = await disableTwoFactor(app.db, user, request.body, request.accountContext())
    if (!result.ok) {
      return reply.code(422).render('account/two-factor/show', {
        ...page,
        enabled: true,
        required: mustUseTwoFactor(user),
        codesLeft: await unusedRecoveryCodes(app.db, user.id),
        errors: result.errors,
      })
    }
    request.flash('success', 'Two-factor sign-in is off.')
    return reply.redirect('/account', 303)
  })

  /** The secret being set up lives in the session until a code proves the app has it. */
  async function setUp(request: import('fastify').FastifyRequest) {
    let secret = request.session.get('pendingTotpSecret')
    if (!secret) {
      secret = generateTotpSecret()
      request.session.set('pendingTotpSecret', secret)
    }
    const shop = await getShopSettings(app.db)
    const uri = totpUri({ secret, accountName: signedInUser(request).email, issuer: shop.shopName })
    return { secret: secret.match(/.{1,4}/g)?.join(' ') ?? secret, qrSvg: await totpQrSvg(uri), uri }
  }
}
