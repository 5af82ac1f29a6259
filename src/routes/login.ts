import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { User } from '../db/schema.js'
import { formValues } from '../lib/forms.js'
import { safeReturnPath } from '../lib/return-path.js'
import { signIn, signInSecondStep } from '../modules/accounts/accounts.service.js'
import {
  DEVICE_COOKIE,
  DEVICE_COOKIE_MAX_AGE_S,
  issueDeviceToken,
  trustedDeviceNonce,
} from '../modules/accounts/device-cookie.js'
import type { RequestContext } from '../modules/accounts/request-context.js'
import { describeWait } from '../modules/accounts/throttle.js'
import { startUserSession } from '../plugins/auth.js'

const page = { title: 'Sign in', description: 'Sign in to your account.' }
const FAILED = 'The email address or password is not right'
const BUSY = (seconds: number) =>
  `Too many people are signing in at this moment. Wait ${describeWait(seconds)}, then try again`

export default async function loginRoutes(app: FastifyInstance) {
  const secret = app.config.sessionSecret
  /** The request's context, knowing the device cookie it brought. */
  const context = (request: FastifyRequest): RequestContext => {
    const token = request.cookies[DEVICE_COOKIE]
    return { ...request.accountContext(), trustedDevice: (email) => trustedDeviceNonce(secret, token, email) }
  }
  /** A browser that has signed in to the account is known from now on (a device cookie, kept for a year). */
  const rememberDevice = (request: FastifyRequest, reply: FastifyReply, email: string) => {
    if (trustedDeviceNonce(secret, request.cookies[DEVICE_COOKIE], email)) return
    reply.setCookie(DEVICE_COOKIE, issueDeviceToken(secret, email), {
      path: '/login',
      httpOnly: true,
      sameSite: 'lax',
      secure: app.config.publicUrl?.protocol === 'https:',
      maxAge: DEVICE_COOKIE_MAX_AGE_S,
    })
  }

  app.get<{ Querystring: { next?: string; signed_out?: string } }>('/login', async (request, reply) => {
    // Empty unless a safe page was asked for: where to land then depends on who signs in.
    const next = safeReturnPath(request.query.next, '')
    if (request.user) return reply.redirect(next || landingPath(request.user), 303)
    return reply.render('login/new', {
      ...page,
      values: {},
      errors: {},
      next,
      signedOut: request.query.signed_out === '1',
    })
  })

  app.post<{ Body: Record<string, unknown> }>('/login', async (request, reply) => {
    const next = safeReturnPath(request.body?.next, '')
    const result = await signIn(app.db, request.body, context(request))
    const again = (status: number, errors: Record<string, string>) =>
      reply.code(status).render('login/new', { ...page, values: formValues(request.body), errors, next })

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
      case 'busy':
        reply.header('retry-after', String(result.retryAfterSeconds))
        return again(503, { email: BUSY(result.retryAfterSeconds) })
      case 'disabled':
        return again(422, {
          email: 'This account has been closed by the shop. Contact us if you think that is a mistake',
        })
      case 'signed-in':
        await startUserSession(request, result.user, result.remember)
        rememberDevice(request, reply, result.user.email)
        request.flash('success', `Welcome back, ${result.user.name}.`)
        return reply.redirect(next || landingPath(result.user), 303)
      case 'second-factor': {
        // The guest cart waits with the half-finished sign-in, to join the account's at the end.
        const cartId = request.session.get('cartId')
        await request.session.regenerate()
        if (cartId !== undefined) request.session.set('cartId', cartId)
        request.session.set('pendingSignIn', {
          userId: result.user.id,
          remember: result.remember,
          next: next || landingPath(result.user),
          until: new Date(Date.now() + SECOND_STEP_MS).toISOString(),
        })
        return reply.redirect('/login/two-factor', 303)
      }
    }
  })

  app.get('/login/two-factor', async (request, reply) => {
    if (!pending(request)) return reply.redirect('/login', 303)
    return reply.render('login/two-factor', { ...secondStep, errors: {} })
  })

  app.post('/login/two-factor', async (request, reply) => {
    const waiting = pending(request)
    if (!waiting) {
      request.flash('error', 'That took too long. Please sign in again.')
      return reply.redirect('/login', 303)
    }
    const result = await signInSecondStep(app.db, waiting.userId, request.body, context(request), waiting.remember)
    switch (result.kind) {
      case 'invalid':
        return reply.code(422).render('login/two-factor', { ...secondStep, errors: result.errors })
      case 'failed':
        return reply.code(422).render('login/two-factor', { ...secondStep, errors: { code: 'That code is not right' } })
      case 'throttled':
        reply.header('retry-after', String(result.retryAfterSeconds))
        return reply.code(429).render('login/two-factor', {
          ...secondStep,
          errors: { code: `Too many attempts. Wait ${describeWait(result.retryAfterSeconds)}, then try again` },
        })
      case 'signed-in':
        await startUserSession(request, result.user, waiting.remember)
        rememberDevice(request, reply, result.user.email)
        request.flash('success', `Welcome back, ${result.user.name}.`)
        return reply.redirect(waiting.next, 303)
    }
  })
}

/** Where a sign-in lands when no page asked for it: staff and owners sign in to work in the back office. */
export function landingPath(user: Pick<User, 'role'>): string {
  return user.role === 'customer' ? '/account' : '/admin'
}

/** How long the second step may take after the password was accepted. */
const SECOND_STEP_MS = 5 * 60_000
const secondStep = { title: 'Two-factor sign-in', noindex: true }

function pending(request: FastifyRequest) {
  const waiting = request.hasSession() ? request.session.get('pendingSignIn') : undefined
  return waiting && Date.parse(waiting.until) > Date.now() ? waiting : null
}
