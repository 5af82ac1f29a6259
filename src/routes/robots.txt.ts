import type { FastifyInstance } from 'fastify'
import { robotsTxt } from '../modules/catalogue/indexing.js'
import { SITEMAP_CACHE_CONTROL } from '../modules/sitemap/sitemap.js'
import { siteOrigin } from '../plugins/csrf.js'

/** robots.txt, outside the HTML area like the sitemap. */
export default async function robotsRoutes(app: FastifyInstance) {
  app.get('/robots.txt', async (request, reply) =>
    reply
      .type('text/plain; charset=utf-8')
      .header('cache-control', SITEMAP_CACHE_CONTROL)
      .send(robotsTxt(siteOrigin(app.config, request))),
  )
}
