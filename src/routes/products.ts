import type { FastifyInstance, FastifyReply } from 'fastify'
import { type Invalid, withValid } from '../lib/outcomes.js'
import { validate } from '../lib/validation.js'
import { listingQueryInput, productPageInput } from '../modules/catalogue/catalogue.forms.js'
import { listingPage, productPage, type StorefrontPage } from '../modules/catalogue/storefront.js'
import { siteOrigin } from '../plugins/csrf.js'

export default async function productRoutes(app: FastifyInstance) {
  const cached = { config: { pageCache: true } }

  app.get('/products', cached, async (request, reply) => {
    const page = await withValid(validate(listingQueryInput, request.query), (query) =>
      listingPage(app.db, null, query, siteOrigin(app.config, request)),
    )
    return show(reply, page)
  })

  app.get<{ Params: { slug: string } }>('/products/:slug', cached, async (request, reply) => {
    const queryString = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''
    const input = validate(productPageInput, { slug: request.params.slug, options: request.query })
    const page = await withValid(input, ({ slug, options }) =>
      productPage(app.db, slug, options, queryString, siteOrigin(app.config, request)),
    )
    return show(reply, page)
  })
}

/** A query or a slug that is none of ours is a page that is not there. */
function show(reply: FastifyReply, page: StorefrontPage | Invalid) {
  if (page.kind === 'redirect') return reply.redirect(page.location, 301)
  return reply.show(page)
}
