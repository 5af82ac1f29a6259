import type { FastifyInstance, FastifyReply } from 'fastify'
import { listingPage, type PageAnswer, productPage } from '../modules/catalogue/storefront.js'
import { siteOrigin } from '../plugins/csrf.js'

export default async function productRoutes(app: FastifyInstance) {
  const cached = { config: { pageCache: true } }

  app.get('/products', cached, async (request, reply) =>
    answer(reply, await listingPage(app.db, null, request.query, siteOrigin(app.config, request))),
  )

  app.get<{ Params: { slug: string } }>('/categories/:slug', cached, async (request, reply) =>
    answer(reply, await listingPage(app.db, request.params.slug, request.query, siteOrigin(app.config, request))),
  )

  app.get<{ Params: { slug: string } }>('/products/:slug', cached, async (request, reply) => {
    const queryString = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''
    const base = siteOrigin(app.config, request)
    return answer(reply, await productPage(app.db, request.params.slug, request.query, queryString, base))
  })
}

function answer(reply: FastifyReply, page: PageAnswer) {
  if (page.kind === 'missing') return reply.callNotFound()
  if (page.kind === 'redirect') return reply.redirect(page.location, 301)
  return reply.code(page.status).render(page.template, page.data)
}
