import type { FastifyInstance } from 'fastify'
import { homePage } from '../modules/catalogue/storefront.js'
import { siteOrigin } from '../plugins/csrf.js'

export default async function homeRoutes(app: FastifyInstance) {
  app.get('/', { config: { pageCache: true } }, async (request, reply) =>
    reply.render('index', await homePage(app.db, siteOrigin(app.config, request))),
  )
}
