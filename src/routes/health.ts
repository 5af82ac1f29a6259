import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'

/** Liveness and readiness for load balancers and orchestrators: small JSON, never cached. */
export default async function healthRoutes(app: FastifyInstance) {
  app.get('/healthz', async (_request, reply) => {
    reply.header('cache-control', 'no-store')
    return { status: 'ok' }
  })

  app.get('/readyz', async (request, reply) => {
    reply.header('cache-control', 'no-store')
    try {
      await sql`select 1`.execute(app.db)
      return { status: 'ok', database: 'ok' }
    } catch (err) {
      request.log.error({ err }, 'readiness check: database did not answer')
      return reply.code(503).send({ status: 'unavailable', database: 'unavailable' })
    }
  })
}
