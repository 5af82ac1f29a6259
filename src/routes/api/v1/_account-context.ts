import type { FastifyRequest } from 'fastify'
import type { RequestContext } from '../../../modules/accounts/request-context.js'
import { siteOrigin } from '../../../plugins/csrf.js'

/**
 * Where an API request comes from, as the account services want it. No
 * trusted device: that is a cookie, and the API reads none, so an app's
 * sign-ins are throttled by the address typed and the client's address.
 */
export function apiAccountContext(request: FastifyRequest): RequestContext {
  const { config } = request.server
  return {
    ip: request.ip,
    userAgent: String(request.headers['user-agent'] ?? ''),
    baseUrl: siteOrigin(config, request),
    scrypt: config.passwordHashing,
    via: 'api',
  }
}
