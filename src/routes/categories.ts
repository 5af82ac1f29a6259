import type { FastifyInstance } from 'fastify'
import { withValid } from '../lib/outcomes.js'
import { validate } from '../lib/validation.js'
import { categoryPageInput } from '../modules/catalogue/catalogue.forms.js'
import { listingPage } from '../modules/catalogue/storefront.js'
import { siteOrigin } from '../plugins/csrf.js'

/** A category's products: the same listing as /products, narrowed to the category and those below it. */
export default async function categoryRoutes(app: FastifyInstance) {
  app.get<{ Params: { slug: string } }>(
    '/categories/:slug',
    { config: { pageCache: true } },
    async (request, reply) => {
      const input = validate(categoryPageInput, { slug: request.params.slug, query: request.query })
      const page = await withValid(input, ({ slug, query }) =>
        listingPage(app.db, slug, query, siteOrigin(app.config, request)),
      )
      return reply.show(page)
    },
  )
}
