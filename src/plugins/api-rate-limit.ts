import fastifyRateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Db } from '../db/connection.js'
import { countRequest, deleteWindowsBefore } from '../modules/api-access/rate-limit.repository.js'
import { ProblemError } from './problem.js'

const WINDOW_MS = 60_000

/**
 * @fastify/rate-limit's store, in the database: a fixed one-minute window
 * per client, counted with one upsert, so every process behind the load
 * balancer counts the same requests. Windows past are swept now and then.
 */
class DatabaseStore {
  private sweptAt = 0
  constructor(private readonly db: Db) {}

  incr(key: string, cb: (err: Error | null, res?: { current: number; ttl: number }) => void, timeWindow: number) {
    const now = Date.now()
    const windowStart = now - (now % timeWindow)
    const sweep = now - this.sweptAt > timeWindow ? this.sweep(windowStart - timeWindow) : undefined
    countRequest(this.db, key, windowStart).then(
      (current) => cb(null, { current, ttl: windowStart + timeWindow - now }),
      (err: Error) => cb(err),
    )
    return sweep
  }

  child() {
    return this
  }

  private async sweep(before: number) {
    this.sweptAt = Date.now()
    await deleteWindowsBefore(this.db, before).catch(() => undefined)
  }
}

/** Whom a request is counted against, and how many a minute they may make. */
function clientOf(request: FastifyRequest, limits: FastifyInstance['config']['apiRateLimit']) {
  const principal = request.apiPrincipal
  if (principal?.kind === 'key') return { key: `key:${principal.keyId}`, max: limits.key }
  if (principal?.kind === 'customer') return { key: `customer:${principal.tokenId}`, max: limits.customer }
  return { key: `ip:${request.ip}`, max: limits.anonymous }
}

/**
 * Rate limits for the API, per API key, per customer token and per client
 * address otherwise, with the RateLimit-Limit / -Remaining / -Reset headers
 * on every answer and 429 with Retry-After past the limit. Runs after the
 * bearer token is read (plugins/api-auth.ts registers its hook first).
 */
export const apiRateLimitPlugin = fp(
  async (app: FastifyInstance) => {
    const limits = app.config.apiRateLimit
    const db = app.db
    class Store extends DatabaseStore {
      constructor() {
        super(db)
      }
    }
    await app.register(fastifyRateLimit, {
      global: true,
      timeWindow: WINDOW_MS,
      enableDraftSpec: true,
      // @fastify/rate-limit builds the store from the class it is given.
      store: Store as never,
      keyGenerator: (request) => clientOf(request, limits).key,
      max: async (request) => clientOf(request, limits).max,
      errorResponseBuilder: (_request, context) =>
        new ProblemError(
          429,
          `Too many requests: this client may make ${context.max} a minute. Try again in ${Math.max(1, Math.ceil(context.ttl / 1000))} seconds.`,
        ),
    })
  },
  { name: 'shopfront-api-rate-limit' },
)
