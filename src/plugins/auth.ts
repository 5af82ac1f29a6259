import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import type { Db } from '../db/connection.js'
import type { Role, User } from '../db/schema.js'
import { nowIso } from '../lib/time.js'
import {
  DEVICE_COOKIE,
  DEVICE_COOKIE_MAX_AGE_S,
  issueDeviceToken,
  trustedDeviceNonce,
} from '../modules/accounts/device-cookie.js'
import type { RequestContext } from '../modules/accounts/request-context.js'
import type { PendingSignIn } from '../modules/accounts/sign-in.service.js'
import { mustUseTwoFactor } from '../modules/accounts/two-factor.service.js'
import { mergeGuestCart } from '../modules/cart/cart.service.js'
import { findSessionUser, touchSession } from '../modules/sessions/session.repository.js'
import {
  fixedExpiry,
  REMEMBER_IDLE_MS,
  SHORT_IDLE_MS,
  signedInCookie,
  signInExpiresAt,
} from '../modules/sessions/session-lifetime.js'
import { siteOrigin } from './csrf.js'

/** A session's "last seen" is written at most this often, so browsing costs no write per page. */
const TOUCH_EVERY_MS = 5 * 60_000
/** How long the second step of a sign-in may take after the password was accepted. */
const SECOND_STEP_MS = 5 * 60_000

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user, or null. */
    user: User | null
    /** IP, base URL, hashing cost and the device cookie brought, as the account services want them. */
    accountContext(): RequestContext
  }
}

/**
 * Loads the signed-in user for every browser request (one query, only for a
 * visitor with a session). A session whose user is gone or disabled is
 * ended on the spot.
 */
export const authPlugin = fp(
  async (app: FastifyInstance, opts: { config: Config; db: Db }) => {
    app.decorateRequest('user', null)
    app.decorateRequest('accountContext', function (this: FastifyRequest): RequestContext {
      const device = this.cookies?.[DEVICE_COOKIE]
      return {
        ip: this.ip,
        userAgent: String(this.headers['user-agent'] ?? ''),
        baseUrl: siteOrigin(opts.config, this),
        scrypt: opts.config.passwordHashing,
        trustedDevice: (email) => trustedDeviceNonce(opts.config.sessionSecret, device, email),
      }
    })

    app.addHook('preHandler', async (request) => {
      if (!request.hasSession()) return
      const userId = request.session.get('userId')
      if (userId === undefined) return
      const found = await findSessionUser(opts.db, request.session.sessionId, userId)
      const seen = found?.lastSeenAt ?? null
      const idleFor = seen ? Date.now() - Date.parse(seen) : 0
      const idleLimit = request.session.get('remember') ? REMEMBER_IDLE_MS : SHORT_IDLE_MS
      if (!found || found.user.disabled_at || idleFor > idleLimit) {
        await request.session.destroy()
        return
      }
      request.user = found.user
      if (!seen || idleFor > TOUCH_EVERY_MS) await touchSession(opts.db, request.session.sessionId, nowIso())
    })
  },
  { name: 'shopfront-auth', dependencies: ['shopfront-session'] },
)

/**
 * Starts a signed-in session under a new id (the old one dies, so a session
 * id planted before sign-in is worthless), remembering the device for the
 * user's list of sessions. Its end is fixed here (see session-lifetime.ts).
 * A new id for the sign-in already under way (after a password change, say)
 * keeps that sign-in's time and end: renewing the id never lengthens a session.
 */
export async function startUserSession(request: FastifyRequest, user: User, remember: boolean): Promise<void> {
  const previous = request.session
  const guestCartId = previous.get('cartId') ?? null
  const sameSignIn =
    request.user?.id === user.id && previous.get('userId') === user.id && previous.get('remember') === remember
  const signedInAt = (sameSignIn && previous.get('signedInAt')) || nowIso()
  const expiresAt = (sameSignIn && fixedExpiry(previous)?.toISOString()) || signInExpiresAt(signedInAt, remember)
  await request.session.regenerate()
  // Over the options regenerate() copied: the plugin's 14-day default, or a guest cookie's Expires.
  request.session.options(signedInCookie(new Date(expiresAt), remember))
  request.session.set('userId', user.id)
  request.session.set('remember', remember)
  request.session.set('signedInAt', signedInAt)
  request.session.set('expiresAt', expiresAt)
  request.session.set('device', {
    userAgent: String(request.headers['user-agent'] ?? '').slice(0, 300),
    ip: request.ip,
  })
  request.user = user
  // What they put in the cart as a guest joins the cart kept with their account.
  await mergeGuestCart(request.server.db, guestCartId, user.id)
}

/**
 * A sign-in completed (password, and second factor when the account has
 * one): a signed-in session, and a browser that has signed in to the account
 * is known from now on (a device cookie, kept for a year).
 */
export async function finishSignIn(
  request: FastifyRequest,
  reply: FastifyReply,
  user: User,
  remember: boolean,
): Promise<void> {
  await startUserSession(request, user, remember)
  const { config } = request.server
  if (trustedDeviceNonce(config.sessionSecret, request.cookies[DEVICE_COOKIE], user.email)) return
  reply.setCookie(DEVICE_COOKIE, issueDeviceToken(config.sessionSecret, user.email), {
    path: '/login',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.publicUrl?.protocol === 'https:',
    maxAge: DEVICE_COOKIE_MAX_AGE_S,
  })
}

/**
 * The password was right and a second factor comes next: the session (under
 * a new id) remembers who, for SECOND_STEP_MS. The guest cart waits with the
 * half-finished sign-in, to join the account's at the end.
 */
export async function awaitSecondFactor(request: FastifyRequest, pending: PendingSignIn): Promise<void> {
  const cartId = request.session.get('cartId')
  await request.session.regenerate()
  if (cartId !== undefined) request.session.set('cartId', cartId)
  request.session.set('pendingSignIn', { ...pending, until: new Date(Date.now() + SECOND_STEP_MS).toISOString() })
}

/** The sign-in waiting for its second step, while there is still time for it. */
export function pendingSignIn(request: FastifyRequest): PendingSignIn | null {
  const waiting = request.hasSession() ? request.session.get('pendingSignIn') : undefined
  return waiting && Date.parse(waiting.until) > Date.now() ? waiting : null
}

/** The user in an area guarded by requireUser; its absence is a bug, not a visitor's mistake. */
export function signedInUser(request: FastifyRequest): User {
  if (!request.user) throw new Error('signedInUser called outside an area guarded by requireUser')
  return request.user
}

/** The hook for an area that needs a signed-in user: others go to sign in, and come back after. */
export async function requireUser(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.user) return
  // A form sent after the session ended cannot be sent again from here: back to its area's first page.
  const next = request.method === 'GET' ? request.url : isBackOffice(request.url) ? '/admin' : '/account'
  await reply.redirect(`/login?next=${encodeURIComponent(next)}`, 303)
}

function isBackOffice(url: string): boolean {
  return url === '/admin' || url.startsWith('/admin/') || url.startsWith('/admin?')
}

/**
 * The hook for an area that needs one of these roles: a signed-in user
 * without it gets a 403 page; staff whose address is unconfirmed, or who
 * have not set up two-factor sign-in, are sent to do that first.
 */
export function requireRole(...roles: Role[]) {
  return async function roleGuard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!request.user) return requireUser(request, reply)
    if (!roles.includes(request.user.role)) {
      const error = Object.assign(new Error('This page is for the shop’s staff.'), { statusCode: 403 })
      throw error
    }
    // Sign-in alerts and invitations go to this address, so it has to be one that works.
    if (!request.user.email_verified_at) {
      request.flash('error', 'Confirm your email address before you use the back office.')
      return reply.redirect('/account', 303)
    }
    if (mustUseTwoFactor(request.user) && !request.user.totp_enabled_at) {
      request.flash('error', 'Set up two-factor sign-in before you use the back office.')
      return reply.redirect('/account/two-factor', 303)
    }
  }
}
