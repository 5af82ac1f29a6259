import fastifySwagger from '@fastify/swagger'
import type { FastifyInstance } from 'fastify'
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod'
import { problemResponses } from '../../../lib/api-schemas.js'
import { apiAuthPlugin } from '../../../plugins/api-auth.js'
import { apiRateLimitPlugin } from '../../../plugins/api-rate-limit.js'
import { apiValidationPlugin } from '../../../plugins/api-validation.js'
import adminRoutes from './admin/index.js'
import cartsRoutes from './carts.js'
import categoriesRoutes from './categories.js'
import customersRoutes from './customers.js'
import docsRoutes from './docs.js'
import meRoutes from './me.js'
import openapiRoutes from './openapi.json.js'
import productsRoutes from './products.js'
import sessionsRoutes from './sessions.js'

/**
 * Version 1 of the JSON API. Every route gives Zod schemas for its input
 * (checked) and its answers (described), and the OpenAPI document at
 * /api/v1/openapi.json is generated from them. Bearer tokens only: API keys
 * for outside services, customer tokens for apps, cart tokens for carts.
 */
export default async function apiV1Routes(app: FastifyInstance) {
  await app.register(apiValidationPlugin)
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Shopfront API',
        version: '1.0.0',
        description:
          'The whole shop for mobile apps and outside services. Errors are application/problem+json (RFC 9457); lists are `{ "data": [...], "next_cursor": … }`.',
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API key (sf_key_…) an owner made at /admin/api-keys.',
          },
          customerToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'A customer access token (sf_cus_…) from POST /api/v1/sessions.',
          },
          cartToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'The token (sf_cart_…) POST /api/v1/carts answered with.',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  })
  // Every route documents the problems it may answer with.
  app.addHook('onRoute', (route) => {
    if (!route.schema || route.schema.hide) return
    route.schema.response = { ...problemResponses, ...(route.schema.response as object | undefined) }
  })
  await app.register(apiAuthPlugin)
  await app.register(apiRateLimitPlugin)

  await app.register(openapiRoutes)
  await app.register(docsRoutes)
  await app.register(categoriesRoutes)
  await app.register(productsRoutes)
  await app.register(cartsRoutes)
  await app.register(customersRoutes)
  await app.register(sessionsRoutes)
  await app.register(meRoutes)
  await app.register(adminRoutes)
}
