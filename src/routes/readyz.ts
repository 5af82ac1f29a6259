import type { FastifyInstance } from 'fastify'
import { readiness } from '../modules/health/health.service.js'

/** Readiness for load balancers and orchestrators: the database answers too. Small JSON, never cached. */
export default async function readyzRoutes(app: FastifyInstance) {
  app.get('/readyz', async (request, reply) => {
    reply.header('cache-control', 'no-store')
    const check = await readiness(app.db)
    if (check.ready) return { status: 'ok', database: 'ok' }
    request.log.error({ err: check.error }, 'readiness check: database did not answer')
    return reply.code(503).send({ status: 'unavailable', database: 'unavailable' })
  })
}
