import type { FastifyInstance } from 'fastify'
import customersRoutes from './customers.js'
import ordersRoutes from './orders.js'
import productsRoutes from './products.js'
import variantsRoutes from './variants.js'
import webhooksRoutes from './webhooks.js'

/** The back office for outside services: every route needs an API key with the route's scope. */
export default async function apiAdminRoutes(app: FastifyInstance) {
  await app.register(productsRoutes)
  await app.register(variantsRoutes)
  await app.register(ordersRoutes)
  await app.register(customersRoutes)
  await app.register(webhooksRoutes)
}
