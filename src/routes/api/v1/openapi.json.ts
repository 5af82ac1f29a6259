import type { FastifyInstance } from 'fastify'
import { shopOpenapiDocument } from './_openapi-document.js'

/** The OpenAPI 3.1 document, generated from the routes' schemas, with what the shop's settings decide. */
export default async function openapiRoutes(app: FastifyInstance) {
  app.get('/openapi.json', { schema: { hide: true }, config: { rateLimit: false } }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300')
    return shopOpenapiDocument(app)
  })
}
