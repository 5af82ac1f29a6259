import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { ChangeActor } from '../modules/activity/activity.service.js'
import { type ApiPrincipal, principalOf } from '../modules/api-access/api-access.service.js'
import { bearerToken } from '../modules/api-access/bearer.js'
import type { ApiScope } from '../modules/api-access/scopes.js'
import { ProblemError } from './problem.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request speaks for, from its bearer token (never from a cookie). */
    apiPrincipal: ApiPrincipal
  }
}

/** What every 401 of the API sends with it (RFC 9110 asks for a challenge). */
export const BEARER_CHALLENGE = { 'www-authenticate': 'Bearer realm="shopfront"' }

export function unauthorized(detail: string): ProblemError {
  return new ProblemError(401, detail, BEARER_CHALLENGE)
}

/**
 * Reads the bearer token of every API request before anything else runs
 * (the rate limit counts by it). A token that is not a live one of ours is
 * 401 at once, whatever the route: a client with a revoked key must learn
 * it, not be served as anonymous.
 */
export const apiAuthPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('apiPrincipal', null as never)
    app.addHook('onRequest', async (request) => {
      const header = request.headers.authorization
      const token = bearerToken(header)
      if (header !== undefined && token === null) {
        throw unauthorized('Send the token as "Authorization: Bearer <token>".')
      }
      const principal = await principalOf(app.db, token)
      if (principal.kind === 'rejected') {
        throw unauthorized('This token is not valid: it may have been revoked or have expired.')
      }
      request.apiPrincipal = principal
    })
  },
  { name: 'shopfront-api-auth' },
)

/** A route's guard: an API key holding `scope`. No key is 401; a key without the scope is 403 naming it. */
export function requireScope(scope: ApiScope) {
  return async (request: FastifyRequest) => {
    const principal = request.apiPrincipal
    if (principal.kind !== 'key') throw unauthorized('This needs an API key: send it as "Authorization: Bearer <key>".')
    if (!principal.scopes.includes(scope)) {
      throw new ProblemError(403, `This API key does not have the ${scope} scope.`)
    }
  }
}

/** A route's guard: a signed-in customer's access token (from POST /api/v1/sessions). */
export async function requireCustomer(request: FastifyRequest) {
  if (request.apiPrincipal.kind !== 'customer') {
    throw unauthorized('Sign in first (POST /api/v1/sessions) and send the access token as a bearer token.')
  }
}

/** The signed-in customer of a route guarded by requireCustomer. */
export function customerOf(request: FastifyRequest): { userId: number; tokenId: number } {
  const principal = request.apiPrincipal
  if (principal.kind !== 'customer') throw unauthorized('Sign in first.')
  return principal
}

/**
 * Who a change made with an API key is made by, for the activity log and an
 * order's timeline: the owner who made the key (null once their account is
 * gone), naming the key. For routes guarded by requireScope.
 */
export function keyActorOf(request: FastifyRequest): ChangeActor {
  const principal = request.apiPrincipal
  if (principal.kind !== 'key') throw unauthorized('This needs an API key: send it as "Authorization: Bearer <key>".')
  return { id: principal.createdBy, apiKey: principal.name }
}
