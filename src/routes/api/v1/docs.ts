import fastifySwaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'

/** A readable reference of the API, served from this server (Swagger UI's own files, no CDN). */
export default async function docsRoutes(app: FastifyInstance) {
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    uiConfig: { url: '/api/v1/openapi.json', deepLinking: true, defaultModelsExpandDepth: 0 },
    staticCSP: false,
  })
}
