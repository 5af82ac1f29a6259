import type { FastifyInstance } from 'fastify'

/** Liveness for load balancers and orchestrators: the process answers. Small JSON, never cached. */
export default async function healthzRoutes(app: FastifyInstance) {
  app.get('/healthz', async (_request, reply) => {
    reply.header('cache-control', 'no-store')
    return { status: 'ok' }
  })
}
