import createError from '@fastify/error'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import helmet, { type HelmetOptions } from 'helmet'
import type { Config } from '../config.js'

export const UnknownHostError = createError('SHOP_UNKNOWN_HOST', 'Unknown host', 400)

const LOCAL_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]'])
/** Probes from a load balancer or orchestrator come with whatever Host they like. */
const HOST_FREE_PATHS = new Set(['/healthz', '/readyz'])

/** True when a request's Host names this shop: PUBLIC_URL's host, or a loopback name in development. */
export function isAllowedHost(host: string, publicUrl: URL | null): boolean {
  if (publicUrl) return host.toLowerCase() === publicUrl.host
  const hostname = host.toLowerCase().replace(/:\d+$/, '')
  return LOCAL_HOSTNAMES.has(hostname)
}

/**
 * Security headers on every response (a CSP with no inline script, no
 * framing, nosniff, a strict referrer policy, HSTS over https) and refusal of
 * Host headers that are not this shop's, which stops cache poisoning and
 * links built from a forged host.
 */
export const securityPlugin = fp(
  async (app: FastifyInstance, opts: { config: Config }) => {
    const https = opts.config.publicUrl?.protocol === 'https:'
    // Chrome holds the redirects after a form post to form-action too: placing a card order ends on Stripe's page.
    const stripe = opts.config.stripe
    const paymentPages = stripe ? [stripe.apiUrl?.origin ?? 'https://checkout.stripe.com'] : []

    const headers = securityHeaders({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'", ...paymentPages],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          objectSrc: ["'none'"],
          ...(https ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      // For browsers without CSP frame-ancestors: the same answer, never framed, not even by this shop's own pages.
      xFrameOptions: { action: 'deny' },
      strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
      crossOriginEmbedderPolicy: false,
    })

    app.addHook('onRequest', (request, reply, done) => {
      reply.headers(headers)
      const path = request.url.split('?', 1)[0] ?? ''
      if (HOST_FREE_PATHS.has(path) || isAllowedHost(request.host, opts.config.publicUrl)) return done()
      done(new UnknownHostError())
    })
  },
  { name: 'shopfront-security' },
)

/**
 * The headers helmet sets, worked out once: they are the same for every
 * response (no nonces), and @fastify/helmet would rebuild helmet's
 * middleware, parsing the policy again, on every request.
 */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  const response = {
    setHeader: (name: string, value: string) => {
      headers[name.toLowerCase()] = value
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()]
    },
  }
  helmet(options)({} as never, response as never, () => {})
  return headers
}
