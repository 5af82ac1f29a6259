import type { FastifyInstance } from 'fastify'
import { withFields } from '../lib/objects.js'
import { homeProducts, loadCategoryTree } from '../modules/catalogue/catalogue.service.js'
import { homeJsonLd } from '../modules/catalogue/seo.js'
import { getShopSettings } from '../modules/settings/settings.service.js'
import { siteOrigin } from '../plugins/csrf.js'

export default async function homeRoutes(app: FastifyInstance) {
  app.get('/', { config: { pageCache: true } }, async (request, reply) => {
    const [products, tree, shop] = await Promise.all([
      homeProducts(app.db),
      loadCategoryTree(app.db),
      getShopSettings(app.db),
    ])
    const base = siteOrigin(app.config, request)
    return reply.render('index', withFields(products, { categories: tree.roots, jsonLd: homeJsonLd(base, shop) }))
  })
}
