import type { FastifyInstance } from 'fastify'
import { DISALLOWED_PATHS } from '../modules/catalogue/indexing.js'
import { siteOrigin } from '../plugins/csrf.js'
import { SITEMAP_CACHE_CONTROL } from './sitemap.js'

/** robots.txt: the paths crawlers are asked to leave alone, and where the sitemap is. Outside the HTML area, like the sitemap. */
export default async function robotsRoutes(app: FastifyInstance) {
  app.get('/robots.txt', async (request, reply) => {
    const lines = ['User-agent: *', ...DISALLOWED_PATHS.map((path) => `Disallow: ${path}`), '']
    lines.push(`Sitemap: ${siteOrigin(app.config, request)}/sitemap.xml`, '')
    return reply.type('text/plain; charset=utf-8').header('cache-control', SITEMAP_CACHE_CONTROL).send(lines.join('\n'))
  })
}
