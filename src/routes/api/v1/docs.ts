import { readFileSync } from 'node:fs'
import path from 'node:path'
import fastifySwaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { publicDir } from '../../../lib/paths.js'
import { openapiDocument, shopOpenapiDocument } from './_openapi-document.js'

/**
 * Swagger UI sets one inline style as it starts; the shop's policy allows
 * that style by its hash, on these pages only, and nothing else inline.
 */
const SWAGGER_UI_STYLE = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='"

/** A readable reference of the API, served from this server (Swagger UI's own files, no CDN). */
export default async function docsRoutes(app: FastifyInstance) {
  const shown = new WeakMap<FastifyRequest, object>()
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    // Swagger UI writes its files' addresses from its own prefix; it is registered under /api/v1.
    indexPrefix: '/api/v1',
    uiConfig: { deepLinking: true, defaultModelsExpandDepth: 0 },
    // The document it shows (at /api/v1/docs/json) is the one /api/v1/openapi.json serves, read before the sync transform.
    uiHooks: {
      preHandler: async (request) => {
        shown.set(request, await shopOpenapiDocument(app))
      },
    },
    transformSpecification: (_document, request) => shown.get(request) ?? openapiDocument(app),
    transformSpecificationClone: false,
    transformStaticCSP: (header) => header.replace("style-src 'self'", `style-src 'self' ${SWAGGER_UI_STYLE}`),
    logo: {
      type: 'image/svg+xml',
      content: readFileSync(path.join(publicDir, 'images/favicon.svg')),
      href: '/api/v1/docs',
    },
    theme: { title: 'Shopfront API reference' },
  })
}
