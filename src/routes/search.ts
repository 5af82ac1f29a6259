import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { searchCatalogue } from '../modules/catalogue/search.js'

// A parameter sent twice counts once; a page that is not a whole number from 1 is no page at all.
const first = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (Array.isArray(v) ? v[0] : v))
const searchQuery = z.object({
  q: first,
  page: first.pipe(
    z
      .string()
      .regex(/^[1-9]\d{0,5}$/)
      .transform(Number)
      .optional(),
  ),
})

export default async function searchRoutes(app: FastifyInstance) {
  app.get('/search', { config: { pageCache: true } }, async (request, reply) => {
    const input = searchQuery.safeParse(request.query ?? {})
    if (!input.success) return reply.callNotFound()
    const result = await searchCatalogue(app.db, { q: input.data.q, page: input.data.page ?? 1 })
    if (!result) return reply.callNotFound()
    const pageSuffix = result.pagination.page > 1 ? ` – page ${result.pagination.page}` : ''
    return reply.render('search/index', {
      title: result.searched ? `Search results for “${result.query}”${pageSuffix}` : 'Search',
      description: 'Search the shop by product name, description, SKU or category.',
      // Results pages are endless variations of the catalogue: never indexed (robots.txt also disallows /search).
      noindex: true,
      ...result,
    })
  })
}
