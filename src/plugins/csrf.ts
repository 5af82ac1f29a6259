import fastifyCsrf from '@fastify/csrf-protection'
import createError from '@fastify/error'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { isAllowedHost } from './security.js'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** POST, PUT, PATCH, DELETE and anything else that is not a read. */
export function changesState(method: string): boolean {
  return !SAFE_METHODS.has(method)
}

export const CrossOriginError = createError('SHOP_CROSS_ORIGIN', 'Cross-origin request refused', 403)

export type OriginVerdict = 'same' | 'cross' | 'unknown'

/**
 * Where a request came from, by the headers browsers set and pages cannot
 * forge — the method Go's CrossOriginProtection uses. 'unknown' means neither
 * header was sent: not a modern browser's cross-site request.
 */
export function originVerdict(
  headers: { 'sec-fetch-site'?: string | string[]; origin?: string | string[] },
  siteOrigin: string,
): OriginVerdict {
  const fetchSite = headers['sec-fetch-site']
  if (typeof fetchSite === 'string') {
    return fetchSite === 'same-origin' || fetchSite === 'none' ? 'same' : 'cross'
  }
  const origin = headers.origin
  if (typeof origin === 'string') return origin === siteOrigin ? 'same' : 'cross'
  return 'unknown'
}

/**
 * This shop's origin, for absolute links: PUBLIC_URL's, or in development the
 * loopback host the request named. A host that is not the shop's (a refused
 * request rendering its error page) is never echoed back.
 */
export function siteOrigin(config: Config, request: FastifyRequest): string {
  if (config.publicUrl) return config.publicUrl.origin
  return `${request.protocol}://${isAllowedHost(request.host, null) ? request.host : 'localhost'}`
}

declare module 'fastify' {
  interface FastifyReply {
    /** The form token for a visitor with a session; null for one without (the Origin check covers them). */
    csrfToken(): string | null
  }
}

/**
 * Cross-site request forgery protection for the HTML area. Every
 * state-changing request must come from this site by its Origin /
 * Sec-Fetch-Site headers; once a session has been issued a form token, the
 * token is required as well. Runs before the handler, so a refused request
 * changes nothing.
 */
export const csrfPlugin = fp(
  async (app: FastifyInstance, opts: { config: Config }) => {
    await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session' })

    app.decorateReply('csrfToken', function (this: FastifyReply) {
      return this.request.hasSession() ? this.generateCsrf() : null
    })

    app.addHook('preHandler', (request, reply, done) => {
      if (!changesState(request.method)) return done()
      const verdict = originVerdict(request.headers, siteOrigin(opts.config, request))
      if (verdict === 'cross') return done(new CrossOriginError())
      if (request.hasSession() && request.session.get('_csrf')) {
        return app.csrfProtection(request, reply, done)
      }
      if (verdict === 'unknown') return done(new CrossOriginError())
      done()
    })
  },
  { name: 'shopfront-csrf', dependencies: ['shopfront-session'] },
)
