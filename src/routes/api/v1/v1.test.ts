import { compileErrors, validate as validateOpenApi } from '@readme/openapi-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKey } from '../../../modules/api-access/api-access.service.js'
import { type ApiClient, apiClient } from '../../../testing/api.js'
import { buildTestApp, type TestShop } from '../../../testing/app.js'

describe('the API document and reference', () => {
  let shop: TestShop
  let api: ApiClient
  beforeAll(async () => {
    shop = await buildTestApp()
    api = await apiClient(shop.app)
  })
  afterAll(() => shop.close())

  it('serves an OpenAPI 3.1 document that passes an OpenAPI validator', async () => {
    const response = await shop.app.inject({ url: '/api/v1/openapi.json' })
    expect(response.statusCode).toBe(200)
    const doc = response.json()
    expect(doc.openapi).toBe('3.1.0')
    const result = await validateOpenApi(structuredClone(doc))
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true)
    expect(Object.keys(doc.components.schemas).filter((name) => name.endsWith('Input'))).toEqual([])
    expect(doc.paths['/api/v1/categories'].get.responses['4XX'].content['application/problem+json'].schema).toEqual({
      $ref: '#/components/schemas/Problem',
    })
  })

  it('serves a readable reference page from this server, under the shop’s content security policy', async () => {
    const page = await shop.app.inject({ url: '/api/v1/docs' })
    const html = page.statusCode === 302 ? await shop.app.inject({ url: String(page.headers.location) }) : page
    expect(html.statusCode).toBe(200)
    expect(html.headers['content-type']).toMatch(/text\/html/)
    expect(html.body).toMatch(/swagger-ui/)
    expect(html.body).not.toMatch(/https?:\/\/(?!127)/)
    expect(String(html.headers['content-security-policy'])).toMatch(/script-src 'self'/)
  })

  it('shows the same document in the reference as at /api/v1/openapi.json', async () => {
    const shown = await shop.app.inject({ url: '/api/v1/docs/json' })
    const served = await shop.app.inject({ url: '/api/v1/openapi.json' })
    expect(shown.json()).toEqual(served.json())
  })

  it('lists the categories, each after its parent', async () => {
    const response = await api.get('/api/v1/categories')
    expect(response.statusCode).toBe(200)
    const { data, next_cursor } = response.json()
    expect(next_cursor).toBeNull()
    expect(data.length).toBeGreaterThan(0)
    const seen = new Set<number>()
    for (const category of data) {
      if (category.parent_id !== null) expect(seen.has(category.parent_id)).toBe(true)
      seen.add(category.id)
    }
    expect(response.headers['cache-control']).toBe('public, max-age=0, s-maxage=60')
  })

  it('answers a path it does not have with a 404 problem', async () => {
    const response = await api.get('/api/v1/nothing-here')
    expect(response.statusCode).toBe(404)
    expect(response.json().detail).toBe('There is no API resource at GET /api/v1/nothing-here.')
  })
})

describe('API authentication', () => {
  let shop: TestShop
  let api: ApiClient
  beforeAll(async () => {
    shop = await buildTestApp()
    api = await apiClient(shop.app)
  })
  afterAll(() => shop.close())

  it('refuses a token that is not a live one of ours with 401 and a Bearer challenge, even on a public route', async () => {
    for (const authorization of ['Bearer sf_key_madeup', 'Bearer something', 'Basic dXNlcjpwYXNz', 'Bearer']) {
      const response = await api.get('/api/v1/categories', { headers: { authorization } })
      expect(response.statusCode, authorization).toBe(401)
      expect(response.headers['www-authenticate']).toBe('Bearer realm="shopfront"')
    }
  })

  it('takes a live API key, and refuses it once revoked', async () => {
    const { secret, key } = await createApiKey(shop.db, { name: 'Warehouse', scopes: ['orders:read'] }, null)
    const headers = { authorization: `Bearer ${secret}` }
    expect((await api.get('/api/v1/categories', { headers })).statusCode).toBe(200)
    const used = await shop.db.selectFrom('api_keys').select('last_used_at').where('id', '=', key.id).executeTakeFirst()
    expect(used?.last_used_at).not.toBeNull()
    await shop.db.updateTable('api_keys').set({ revoked_at: new Date().toISOString() }).execute()
    expect((await api.get('/api/v1/categories', { headers })).statusCode).toBe(401)
  })

  it('never reads a cookie', async () => {
    const response = await api.get('/api/v1/categories', { headers: { cookie: 'sid=anything' } })
    expect(response.statusCode).toBe(200)
    expect(response.headers['set-cookie']).toBeUndefined()
  })
})

describe('API rate limits', () => {
  let shop: TestShop
  let api: ApiClient
  beforeAll(async () => {
    shop = await buildTestApp({ apiRateLimit: { anonymous: 3, customer: 5, key: 4 } })
    api = await apiClient(shop.app)
  })
  afterAll(() => shop.close())

  it('counts anonymous calls per client address, with RateLimit headers, and answers 429 with Retry-After past the limit', async () => {
    const from = (remoteAddress: string) => api.request({ url: '/api/v1/categories', remoteAddress })
    const first = await from('203.0.113.50')
    expect(first.headers['ratelimit-limit']).toBe('3')
    expect(first.headers['ratelimit-remaining']).toBe('2')
    expect(Number(first.headers['ratelimit-reset'])).toBeLessThanOrEqual(60)
    await from('203.0.113.50')
    await from('203.0.113.50')
    const refused = await from('203.0.113.50')
    expect(refused.statusCode).toBe(429)
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
    expect(refused.json().detail).toMatch(
      /^Too many requests: this client may make 3 a minute\. Try again in \d+ seconds\.$/,
    )
    expect((await from('203.0.113.51')).statusCode).toBe(200)
  })

  it('counts an API key on its own, at the key limit, wherever its calls come from', async () => {
    const { secret } = await createApiKey(shop.db, { name: 'Feed', scopes: ['products:read'] }, null)
    const headers = { authorization: `Bearer ${secret}` }
    const statuses = []
    for (let i = 0; i < 5; i++) {
      statuses.push(
        (await api.request({ url: '/api/v1/categories', headers, remoteAddress: `198.51.100.${i}` })).statusCode,
      )
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429])
  })

  it('keeps the count in the database, so a second process counts the same requests', async () => {
    const second = await shop.restart()
    const response = await second.inject({ url: '/api/v1/categories', remoteAddress: '203.0.113.50' })
    expect(response.statusCode).toBe(429)
  })
})
