import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { updateShopSettings } from '../modules/settings/settings.service.js'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { changeVariants, createTestProduct } from '../testing/catalogue.js'
import { postForm, sessionCookie } from '../testing/http.js'
import { chooseEncoding, PageStore } from './page-cache.js'

describe('the anonymous page cache', () => {
  let shop: TestShop
  afterEach(() => shop.close())

  async function shopWithMug(overrides = {}) {
    shop = await buildTestApp(overrides)
    await createTestProduct(shop.db, {
      title: 'Heather Mug',
      variants: [{ sku: 'MUG-1', price: 1800, stock: 4 }],
    })
  }

  it('serves an anonymous page again as rendered, with the same headers and ETag', async () => {
    await shopWithMug()
    const first = await shop.app.inject({ url: '/products/heather-mug' })
    expect(first.headers['x-cache']).toBe('MISS')
    const second = await shop.app.inject({ url: '/products/heather-mug' })
    expect(second.headers['x-cache']).toBe('HIT')
    expect(second.body).toBe(first.body)
    for (const name of ['content-type', 'cache-control', 'vary', 'etag', 'content-security-policy']) {
      expect(second.headers[name], name).toBe(first.headers[name])
    }
    expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id'])
    const conditional = await shop.app.inject({
      url: '/products/heather-mug',
      headers: { 'if-none-match': String(first.headers.etag) },
    })
    expect(conditional.statusCode).toBe(304)
    expect(conditional.body).toBe('')
  })

  it('shows a price, stock or settings change made by another process on the very next view', async () => {
    await shopWithMug()
    expect((await shop.app.inject({ url: '/products/heather-mug' })).body).toContain('£18.00')
    await shop.app.inject({ url: '/products/heather-mug' })
    // shop.db is a second connection to the file, like another server process.
    await changeVariants(shop.db, { price: 2100, stock: 2 }, { sku: 'MUG-1' })
    const changed = await shop.app.inject({ url: '/products/heather-mug' })
    expect(changed.headers['x-cache']).toBe('MISS')
    expect(changed.body).toContain('£21.00')
    expect(changed.body).toContain('Only 2 left')
    await updateShopSettings(shop.db, { shopName: 'Renamed Pottery' })
    const renamed = await shop.app.inject({ url: '/products' })
    expect(renamed.body).toContain('Renamed Pottery')
    expect((await shop.app.inject({ url: '/products/heather-mug' })).body).toContain('Renamed Pottery')
  })

  it('sends a stored page compressed as the browser asks, compressing it only once', async () => {
    await shopWithMug()
    const plain = await shop.app.inject({ url: '/products/heather-mug' })
    for (const [accept, encoding] of [
      ['gzip, deflate, br', 'br'],
      ['gzip', 'gzip'],
      ['br;q=0.5, gzip', 'gzip'],
    ] as const) {
      const response = await shop.app.inject({ url: '/products/heather-mug', headers: { 'accept-encoding': accept } })
      expect(response.headers['x-cache'], accept).toBe('HIT')
      expect(response.headers['content-encoding'], accept).toBe(encoding)
      expect(response.headers.vary).toMatch(/Accept-Encoding/i)
      const decoded = encoding === 'br' ? brotliDecompressSync(response.rawPayload) : gunzipSync(response.rawPayload)
      expect(decoded.toString()).toBe(plain.body)
    }
    const identity = await shop.app.inject({ url: '/products/heather-mug', headers: { 'accept-encoding': 'identity' } })
    expect(identity.headers['content-encoding']).toBeUndefined()
    // Uncompressed, yet it could have been: a shared cache must still tell the two apart.
    expect(identity.headers.vary).toMatch(/accept-encoding/i)
    expect(identity.body).toBe(plain.body)
  })

  it('keeps pages per address, query string included', async () => {
    await shopWithMug()
    await shop.app.inject({ url: '/products?sort=price_asc' })
    expect((await shop.app.inject({ url: '/products?sort=price_desc' })).headers['x-cache']).toBe('MISS')
    expect((await shop.app.inject({ url: '/products?sort=price_asc' })).headers['x-cache']).toBe('HIT')
  })

  it('never serves or keeps a page for a visitor with a session', async () => {
    await shopWithMug()
    const message = { name: 'Ada', email: 'ada@example.com', subject: 'Hi', message: 'A message long enough.' }
    const cookie = sessionCookie(await postForm(shop.app, '/contact', message)) as string
    const personal = await shop.app.inject({ url: '/products/heather-mug', headers: { cookie } })
    expect(personal.headers['x-cache']).toBeUndefined()
    expect(personal.headers['cache-control']).toBe('private, no-cache')
    // The page that visitor saw (their flash message on it) was not kept for anybody else.
    const anonymous = await shop.app.inject({ url: '/products/heather-mug' })
    expect(anonymous.headers['x-cache']).toBe('MISS')
    expect(anonymous.body).not.toContain('Thank you, Ada')
    expect((await shop.app.inject({ url: '/products/heather-mug', headers: { cookie } })).headers['x-cache']).toBe(
      undefined,
    )
  })

  it('keeps no error page and no page of a route that did not ask for it', async () => {
    await shopWithMug()
    for (let i = 0; i < 2; i++) {
      const missing = await shop.app.inject({ url: '/products/no-such-thing' })
      expect(missing.statusCode).toBe(404)
      expect(missing.headers['x-cache']).toBe('MISS')
      const bad = await shop.app.inject({ url: '/products?min=abc' })
      expect(bad.statusCode).toBe(400)
      expect(bad.headers['x-cache']).toBe('MISS')
      expect((await shop.app.inject({ url: '/contact' })).headers['x-cache']).toBeUndefined()
    }
  })

  it('is off with no memory given to it', async () => {
    await shopWithMug({ pageCacheBytes: 0 })
    await shop.app.inject({ url: '/products/heather-mug' })
    expect((await shop.app.inject({ url: '/products/heather-mug' })).headers['x-cache']).toBeUndefined()
  })
})

describe('the page store', () => {
  const page = (version: string, size: number) => ({ version, body: Buffer.alloc(size), headers: [] })

  it('drops the least recently used pages once the bodies pass its size', () => {
    const store = new PageStore(900)
    store.set('a', page('v', 200))
    store.set('b', page('v', 200))
    store.set('c', page('v', 200))
    store.get('a', 'v')
    store.set('d', page('v', 200))
    store.set('e', page('v', 200))
    expect(store.size).toEqual({ pages: 4, bytes: 800 })
    expect(store.get('b', 'v')).toBeUndefined()
    expect(store.get('a', 'v')).toBeDefined()
  })

  it('counts compressed copies in its size', () => {
    const store = new PageStore(100_000)
    store.set('a', { version: 'v', body: Buffer.from('hello '.repeat(1000)), headers: [] })
    const page = store.get('a', 'v')
    const br = store.encoded(page as never, 'br')
    expect(store.encoded(page as never, 'br')).toBe(br)
    expect(store.size.bytes).toBe(6000 + br.length)
  })

  it('chooses br or gzip by the weights a client gives', () => {
    expect(chooseEncoding(undefined)).toBeNull()
    expect(chooseEncoding('gzip, deflate, br, zstd')).toBe('br')
    expect(chooseEncoding('gzip')).toBe('gzip')
    expect(chooseEncoding('br;q=0, gzip;q=0.1')).toBe('gzip')
    expect(chooseEncoding('gzip;q=0, br;q=0')).toBeNull()
    expect(chooseEncoding('identity')).toBeNull()
    expect(chooseEncoding('*')).toBe('br')
  })

  it('forgets a page asked for under another version, and never keeps one too large for it', () => {
    const store = new PageStore(1000)
    store.set('a', page('v1', 100))
    expect(store.get('a', 'v2')).toBeUndefined()
    expect(store.get('a', 'v1')).toBeUndefined()
    expect(store.size).toEqual({ pages: 0, bytes: 0 })
    store.set('huge', page('v1', 600))
    expect(store.size.pages).toBe(0)
  })
})
