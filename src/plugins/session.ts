import fastifyCookie from '@fastify/cookie'
import fastifyFlash from '@fastify/flash'
import fastifySession from '@fastify/session'
import type { FastifyInstance, FastifyPluginCallback, FastifyPluginOptions, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import type { Db } from '../db/connection.js'
import { DatabaseSessionStore } from '../modules/sessions/session.store.js'
import { SHORT_SESSION_MS } from '../modules/sessions/session-lifetime.js'

export const SESSION_COOKIE = 'sid'
const SESSION_MAX_AGE_MS = 14 * 24 * 60 * 60 * 1000
const SWEEP_EVERY_MS = 15 * 60 * 1000

declare module 'fastify' {
  interface FastifyRequest {
    /** True when the visitor came with a live session: only then is anything personal shown or a token issued. */
    hasSession(): boolean
  }
  interface Session {
    _csrf?: string
    flash?: Record<string, string[]>
    /** The signed-in user. */
    userId?: number
    remember?: boolean
    /** When the user signed in, and from what, for their list of sessions. */
    signedInAt?: string
    /** When a signed-in session ends however it is used, fixed at sign-in (see session-lifetime.ts). */
    expiresAt?: string
    device?: { userAgent: string; ip: string }
    /** Between a right password and the second factor: who, for how long, and where to go after. */
    pendingSignIn?: import('../modules/accounts/sign-in.service.js').PendingSignIn & { until: string }
    /** A new authenticator secret, until the person proves their app has it. */
    pendingTotpSecret?: string
    /** A guest's cart; a signed-in customer's is found through their account. */
    cartId?: number
    /** The checkout steps done so far (see src/modules/orders/checkout.service.ts). */
    checkout?: import('../modules/orders/checkout.service.js').CheckoutState
    /** The order this browser placed last, so a second submission of the same checkout finds it. */
    lastOrder?: { checkoutToken: string; accessToken: string }
    /** Recovery codes to show once, right after they were made. */
    recoveryCodesToShow?: string[]
  }
}

/**
 * Whether a request can involve a session: it brings the session cookie, or
 * it may change something (a form post starts one when it has something to
 * keep). A GET or HEAD without the cookie never has a session to read or
 * write, so it is spared creating, signing and hashing one it would throw
 * away — most of the traffic of a shop (shoppers browsing, crawlers).
 */
export function mayUseSession(request: FastifyRequest): boolean {
  return (request.method !== 'GET' && request.method !== 'HEAD') || request.cookies?.[SESSION_COOKIE] !== undefined
}

type CallbackHook = (request: FastifyRequest, ...rest: unknown[]) => void

/**
 * @fastify/session as it is, except that its request hooks (callback style:
 * onRequest and onSend) skip requests that cannot use a session; their
 * `request.session` stays null, which `hasSession()` reads as "no session".
 * The plugin adds its hooks while it registers, so it is handed an instance
 * whose addHook guards each of them.
 */
function onlyWithSessionWork<O extends FastifyPluginOptions>(
  plugin: FastifyPluginCallback<O>,
): FastifyPluginCallback<O> {
  const guarded: FastifyPluginCallback<O> = (instance, opts, done) => {
    const addHook = (name: string, hook: CallbackHook) =>
      instance.addHook(
        name as 'onRequest',
        ((request: FastifyRequest, ...rest: unknown[]) => {
          if (mayUseSession(request)) return hook(request, ...rest)
          ;(rest.at(-1) as () => void)()
        }) as never,
      )
    const proxy = new Proxy(instance, {
      get: (target, property) => {
        if (property === 'addHook') return addHook
        const value = Reflect.get(target, property, target)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    plugin(proxy, opts, done)
  }
  // fastify-plugin's marks (name, no encapsulation) travel with it.
  return Object.assign(guarded, plugin)
}

/**
 * Sessions kept in the database. A visitor gets one only when something is
 * stored for them (saveUninitialized: false), and a session is written only
 * when it changed (rolling: false), so anonymous pages carry no Set-Cookie and
 * a read-only page view costs no database write.
 */
export const sessionPlugin = fp(
  async (app: FastifyInstance, opts: { config: Config; db: Db }) => {
    // A signed-in session ends at the instant fixed at sign-in; this is for a session with no other end.
    const store = new DatabaseSessionStore(opts.db, SHORT_SESSION_MS)
    await app.register(fastifyCookie)
    await app.register(onlyWithSessionWork(fastifySession), {
      secret: opts.config.sessionSecret,
      cookieName: SESSION_COOKIE,
      store,
      saveUninitialized: false,
      rolling: false,
      cookie: {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: opts.config.publicUrl?.protocol === 'https:',
        maxAge: SESSION_MAX_AGE_MS,
      },
    })
    await app.register(fastifyFlash)

    app.decorateRequest('hasSession', function (this: FastifyRequest) {
      const cookie = this.cookies?.[SESSION_COOKIE]
      return cookie !== undefined && this.session != null && cookie === this.session.encryptedSessionId
    })

    const sweep = () => store.sweep().catch((err) => app.log.warn({ err }, 'could not sweep expired sessions'))
    const timer = setInterval(sweep, SWEEP_EVERY_MS)
    timer.unref()
    app.addHook('onClose', async () => clearInterval(timer))
  },
  { name: 'shopfront-session' },
)
