import type { FastifyInstance } from 'fastify'
import { withValid } from '../lib/outcomes.js'
import { validate } from '../lib/validation.js'
import { searchQueryInput } from '../modules/catalogue/catalogue.forms.js'
import { searchPage } from '../modules/catalogue/search.js'

export default async function searchRoutes(app: FastifyInstance) {
  app.get('/search', { config: { pageCache: true } }, async (request, reply) => {
    const page = await withValid(validate(searchQueryInput, request.query), (input) => searchPage(app.db, input))
    return reply.show('search/index', page)
  })
}
