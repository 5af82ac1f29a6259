import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { listOf } from '../../../lib/api-schemas.js'
import { categoriesJson, categoryJson } from '../../../modules/categories/categories.api.js'
import { PUBLIC_CACHE } from './_caching.js'

export default async function categoriesRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  app.get(
    '/categories',
    {
      schema: {
        tags: ['Catalogue'],
        summary: 'Every category, each after its parent, in the shop’s order',
        response: { 200: listOf(categoryJson) },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', PUBLIC_CACHE)
      return { data: await categoriesJson(app.db), next_cursor: null }
    },
  )
}
