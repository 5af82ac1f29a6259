import type { FastifyInstance } from 'fastify'

/** The OpenAPI 3.1 document, generated from the routes' schemas once, when first asked for. */
export default async function openapiRoutes(app: FastifyInstance) {
  let document: unknown
  app.get('/openapi.json', { schema: { hide: true }, config: { rateLimit: false } }, async (_request, reply) => {
    document ??= withoutUnusedSchemas(app.swagger() as Document)
    reply.header('cache-control', 'public, max-age=300')
    return document
  })
}

type Document = { components?: { schemas?: Record<string, unknown> } }

/**
 * The Zod type provider lists every named schema twice, as it is read and
 * as it is written (`ProblemInput`, `Problem`); a client only needs the ones
 * some operation refers to.
 */
function withoutUnusedSchemas(document: Document): Document {
  const schemas = { ...document.components?.schemas }
  const text = JSON.stringify({ ...document, components: { ...document.components, schemas: {} } })
  const used = new Set<string>()
  const visit = (json: string) => {
    for (const [, name] of json.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (name && !used.has(name)) {
        used.add(name)
        visit(JSON.stringify(schemas[name] ?? {}))
      }
    }
  }
  visit(text)
  return {
    ...document,
    components: {
      ...document.components,
      schemas: Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name))),
    },
  }
}
