import { parse } from '@readme/openapi-parser'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'

type Doc = {
  paths: Record<string, Record<string, { responses?: Record<string, ResponseObject> }>>
}
type ResponseObject = { content?: Record<string, { schema?: unknown }> }

/**
 * The API as a client sees it, where every answer is checked against the
 * OpenAPI document the app generates: an undocumented status, content type
 * or body shape fails the test that got it. Every API test goes through this.
 */
export interface ApiClient {
  request(options: InjectOptions): Promise<LightMyRequestResponse>
  get(url: string, options?: Omit<InjectOptions, 'url' | 'method'>): Promise<LightMyRequestResponse>
  /** The generated document. */
  document: Doc
}

const documents = new WeakMap<FastifyInstance, Promise<{ doc: Doc; ajv: Ajv2020 }>>()

export async function apiClient(app: FastifyInstance): Promise<ApiClient> {
  let loaded = documents.get(app)
  if (!loaded) {
    loaded = loadDocument(app)
    documents.set(app, loaded)
  }
  const { doc, ajv } = await loaded
  const request = async (options: InjectOptions) => {
    const response = await app.inject(options)
    checkAgainstDocument(doc, ajv, options, response)
    return response
  }
  return { request, get: (url, options = {}) => request({ ...options, method: 'GET', url }), document: doc }
}

async function loadDocument(app: FastifyInstance) {
  const response = await app.inject({ url: '/api/v1/openapi.json' })
  if (response.statusCode !== 200) throw new Error(`GET /api/v1/openapi.json answered ${response.statusCode}`)
  const doc = (await parse(response.json())) as unknown as Doc
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true })
  addFormats.default(ajv)
  ajv.addSchema(doc as object, 'openapi.json')
  return { doc, ajv }
}

function checkAgainstDocument(doc: Doc, ajv: Ajv2020, options: InjectOptions, response: LightMyRequestResponse) {
  const method = (options.method ?? 'GET').toString().toLowerCase()
  const url = new URL(String(options.url ?? '/'), 'http://shop.test')
  const where = `${method.toUpperCase()} ${url.pathname} → ${response.statusCode}`
  const template = Object.keys(doc.paths).find((path) => pathPattern(path).test(url.pathname))
  // A path no route serves answers 404 from the not-found handler: that problem has its own check.
  if (!template) {
    if (response.statusCode !== 404) throw new Error(`${where}: the path is not in the OpenAPI document`)
    return checkProblem(ajv, where, response)
  }
  const operation = doc.paths[template]?.[method]
  if (!operation) {
    if (response.statusCode !== 404 && response.statusCode !== 405)
      throw new Error(`${where}: ${method.toUpperCase()} is not documented for ${template}`)
    return checkProblem(ajv, where, response)
  }
  const status = String(response.statusCode)
  const responses = operation.responses ?? {}
  const key = [status, `${status[0]}XX`, `${status[0]}xx`, 'default'].find((k) => k in responses)
  if (!key) throw new Error(`${where}: status ${status} is not documented (${Object.keys(responses).join(', ')})`)
  const content = responses[key]?.content ?? {}
  if (Object.keys(content).length === 0) {
    if (response.body !== '')
      throw new Error(`${where}: documented without a body, but answered ${response.body.slice(0, 200)}`)
    return
  }
  const type =
    String(response.headers['content-type'] ?? '')
      .split(';', 1)[0]
      ?.trim() ?? ''
  if (!(type in content))
    throw new Error(`${where}: content type "${type}" is not documented (${Object.keys(content).join(', ')})`)
  const pointer = ['paths', template, method, 'responses', key, 'content', type, 'schema']
  validateAt(ajv, where, pointer, response)
}

function checkProblem(ajv: Ajv2020, where: string, response: LightMyRequestResponse) {
  if (!String(response.headers['content-type']).startsWith('application/problem+json'))
    throw new Error(`${where}: an error must be application/problem+json`)
  validateAt(ajv, where, ['components', 'schemas', 'Problem'], response)
}

function validateAt(ajv: Ajv2020, where: string, pointer: string[], response: LightMyRequestResponse) {
  const ref = `openapi.json#/${pointer.map((p) => encodeURIComponent(p.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/')}`
  const validator = ajv.getSchema(ref)
  if (!validator) throw new Error(`${where}: no schema at ${ref}`)
  let body: unknown
  try {
    body = JSON.parse(response.body)
  } catch {
    throw new Error(`${where}: the body is not JSON: ${response.body.slice(0, 200)}`)
  }
  if (!validator(body)) {
    const errors = (validator.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message}`).join('; ')
    throw new Error(`${where}: the body does not match the OpenAPI document: ${errors}\n${response.body.slice(0, 500)}`)
  }
}

function pathPattern(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('')
  return new RegExp(`^${source}$`)
}
