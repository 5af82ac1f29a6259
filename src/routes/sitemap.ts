import { Readable } from 'node:stream'
import createError from '@fastify/error'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { withValid } from '../lib/outcomes.js'
import { validate } from '../lib/validation.js'
import { productsFileInput } from '../modules/sitemap/sitemap.forms.js'
import {
  categoriesSitemapXml,
  DEFAULT_SITEMAP_LIMITS,
  pagesSitemapXml,
  productsSitemapFile,
  SITEMAP_CACHE_CONTROL,
  type SitemapLimits,
  sitemapIndexXml,
} from '../modules/sitemap/sitemap.js'
import { siteOrigin } from '../plugins/csrf.js'

const SitemapNotFound = createError('SHOP_SITEMAP_NOT_FOUND', 'There is no such sitemap', 404)

/**
 * The sitemap index and its children. Registered outside the HTML area: no
 * session, no page layout, one or a few queries. `limits` is for tests, which
 * lower the URLs per product file to see the split with a few products.
 */
export default async function sitemapRoutes(app: FastifyInstance, opts: { limits?: Partial<SitemapLimits> } = {}) {
  const limits: SitemapLimits = { ...DEFAULT_SITEMAP_LIMITS, ...opts.limits }

  app.get('/sitemap.xml', async (request, reply) =>
    xml(reply).send(await sitemapIndexXml(app.db, siteOrigin(app.config, request), limits)),
  )

  app.get('/sitemaps/pages.xml', async (request, reply) =>
    xml(reply).send(await pagesSitemapXml(app.db, siteOrigin(app.config, request))),
  )

  app.get('/sitemaps/categories.xml', async (request, reply) =>
    xml(reply).send(await categoriesSitemapXml(app.db, siteOrigin(app.config, request))),
  )

  // Exact routes, so any other name under /sitemaps/ falls through to the shop's own 404 page.
  app.get('/sitemaps/products-:n(^[1-9]\\d{0,5}).xml', async (request, reply) => {
    const file = await withValid(validate(productsFileInput, request.params), ({ n }) =>
      productsSitemapFile(app.db, siteOrigin(app.config, request), n, limits),
    )
    // The HTML area's 404 page needs its session hooks, which this context has not got; a plain 404 will do for a crawler.
    if (file.kind !== 'file') throw new SitemapNotFound()
    // HEAD runs this handler too: its headers are the same, and no query runs for a body nobody reads.
    return xml(reply).send(Readable.from(request.method === 'HEAD' ? [] : file.xml()))
  })
}

function xml(reply: FastifyReply): FastifyReply {
  return reply.type('application/xml; charset=utf-8').header('cache-control', SITEMAP_CACHE_CONTROL)
}
