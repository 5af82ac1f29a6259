import type { FastifyInstance } from 'fastify'

type Document = { components?: { schemas?: Record<string, unknown> } }

const documents = new WeakMap<FastifyInstance, Document>()

/** The OpenAPI document, generated from the routes' schemas once per app, when first asked for. */
export function openapiDocument(app: FastifyInstance): Document {
  let document = documents.get(app)
  if (!document) {
    document = withoutUnusedSchemas(app.swagger() as Document)
    documents.set(app, document)
  }
  return document
}

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
