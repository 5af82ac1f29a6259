import type { FastifyInstance } from 'fastify'
import type { PaymentMethod } from '../../../modules/payments/payment-methods.js'
import { getShopSettings } from '../../../modules/settings/settings.service.js'

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

const bySettings = new WeakMap<FastifyInstance, Map<string, Document>>()

/**
 * The document as this shop shows it now: what its settings decide (the
 * ways to pay it offers) filled in from the settings, which are read from
 * their cache. One copy is kept per set of ways to pay, so a change of
 * settings shows at once and costs nothing after.
 */
export async function shopOpenapiDocument(app: FastifyInstance): Promise<Document> {
  // The ways this server takes for some order; which go with one order, its cart lists.
  const offered = app.payments.offered(await getShopSettings(app.db), Number.MAX_SAFE_INTEGER)
  let copies = bySettings.get(app)
  if (!copies) {
    copies = new Map()
    bySettings.set(app, copies)
  }
  const key = offered.join(',')
  let document = copies.get(key)
  if (!document) {
    document = withPaymentMethods(openapiDocument(app), offered)
    copies.set(key, document)
  }
  return document
}

type Operation = { requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, Field> } }> } }
type Field = { enum?: string[] }

/**
 * The order's `payment_method` as the ways this shop offers (its schema
 * knows every way there is). A shop that offers none keeps them all: an
 * empty enum would be no schema at all.
 */
function withPaymentMethods(document: Document, offered: PaymentMethod[]): Document {
  if (offered.length === 0) return document
  const copy = structuredClone(document) as Document & { paths?: Record<string, Record<string, Operation>> }
  const body = copy.paths?.['/api/v1/carts/{id}/order']?.post?.requestBody?.content?.['application/json']
  const field = body?.schema?.properties?.payment_method
  if (field?.enum) field.enum = [...offered]
  return copy
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
