import { Readable } from 'node:stream'
import createError from '@fastify/error'
import type { FastifyInstance, FastifyReply } from 'fastify'
import {
  categoriesSitemapXml,
  DEFAULT_SITEMAP_LIMITS,
  pagesSitemapXml,
  productFileCount,
  productsSitemapXml,
  type SitemapLimits,
  sitemapIndexXml,
} from '../modules/sitemap/sitemap.js'
import { siteOrigin } from '../plugins/csrf.js'

/** Crawlers come back often; five minutes keeps a burst of them off the database. */
export const SITEMAP_CACHE_CONTROL = 'public, max-age=300'

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
  app.get<{ Params: { n: string } }>('/sitemaps/products-:n(^[1-9]\\d{0,5}).xml', async (request, reply) => {
    const file = Number(request.params.n)
    // The HTML area's 404 page needs its session hooks, which this context has not got; a plain 404 will do for a crawler.
    if (file > (await productFileCount(app.db, limits))) throw new SitemapNotFound()
    // HEAD runs this handler too: its headers are the same, and no query runs for a body nobody reads.
    const body =
      request.method === 'HEAD' ? [] : productsSitemapXml(app.db, siteOrigin(app.config, request), file, limits)
    return xml(reply).send(Readable.from(body))
  })
}

function xml(reply: FastifyReply): FastifyReply {
  return reply.type('application/xml; charset=utf-8').header('cache-control', SITEMAP_CACHE_CONTROL)
}
