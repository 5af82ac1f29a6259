import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../db/connection.js'
import type { ProductStatus } from '../db/schema.js'
import { DISALLOWED_PATHS, INDEXABLE_PAGES } from '../modules/catalogue/indexing.js'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { attachImage, createCategory, createImageRow, createProductRow } from '../testing/catalogue.js'
import sitemapRoutes from './sitemap.js'

/** app.inject sends `Host: localhost:80`. */
const BASE = 'http://localhost:80'

async function addCategory(db: Db, slug: string, updatedAt: string) {
  return createCategory(db, slug, { slug, created_at: updatedAt, updated_at: updatedAt })
}

async function addProduct(db: Db, slug: string, status: ProductStatus, updatedAt = '2026-03-01T10:00:00.000Z') {
  return (await createProductRow(db, { slug, title: slug, status, created_at: updatedAt, updated_at: updatedAt })).id
}

async function addImage(db: Db, productId: number, key: string, widths: number[], alt: string, position = 0) {
  const image = await createImageRow(db, {
    key,
    width: 2000,
    height: 1500,
    widths: JSON.stringify(widths),
    created_at: '2026-01-01T00:00:00.000Z',
  })
  await attachImage(db, { product_id: productId, image_id: image.id, position, alt })
}

function locs(xml: string): string[] {
  return [...xml.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1] as string)
}

describe('sitemaps and robots.txt', () => {
  let shop: TestShop
  beforeAll(async () => {
    shop = await buildTestApp({}, { seed: false })
    const { db } = shop
    await addCategory(db, 'mugs', '2026-02-01T09:00:00.000Z')
    await addCategory(db, 'bowls-&-plates', '2026-02-03T09:00:00.000Z')
    const mug = await addProduct(db, 'blue-mug', 'active', '2026-03-05T12:30:00.000Z')
    await addImage(db, mug, 'aa11bb22cc33dd44ee55ff6677889900', [320, 640, 1200], 'A blue mug')
    await addImage(db, mug, 'bb11bb22cc33dd44ee55ff6677889900', [320, 640], 'The mug from above', 1)
    await addProduct(db, 'salt-&-pepper', 'active')
    await addProduct(db, 'secret-draft', 'draft', '2026-04-01T00:00:00.000Z')
    await addProduct(db, 'old-jug', 'archived')
  })
  afterAll(() => shop.close())

  it('serves a sitemap index naming the pages, categories and product files by absolute URL', async () => {
    const response = await shop.app.inject({ url: '/sitemap.xml' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/xml; charset=utf-8')
    expect(response.headers['cache-control']).toBe('public, max-age=300')
    expect(response.headers['set-cookie']).toBeUndefined()
    expect(response.body).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<sitemapindex xmlns="http:\/\/www.sitemaps.org\/schemas\/sitemap\/0.9">/,
    )
    expect(locs(response.body)).toEqual([
      `${BASE}/sitemaps/pages.xml`,
      `${BASE}/sitemaps/categories.xml`,
      `${BASE}/sitemaps/products-1.xml`,
    ])
  })

  it('dates the pages file by the newest change to the catalogue, drafts included', async () => {
    const response = await shop.app.inject({ url: '/sitemap.xml' })
    expect(response.body).toContain(
      `<sitemap><loc>${BASE}/sitemaps/pages.xml</loc><lastmod>2026-04-01T00:00:00Z</lastmod></sitemap>`,
    )
  })

  it('lists every indexable page, dating only the ones that show the catalogue', async () => {
    const response = await shop.app.inject({ url: '/sitemaps/pages.xml' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/xml; charset=utf-8')
    expect(locs(response.body)).toEqual(INDEXABLE_PAGES.map((path) => BASE + path))
    expect(response.body).toContain(`<url><loc>${BASE}/</loc><lastmod>2026-04-01T00:00:00Z</lastmod></url>`)
    expect(response.body).toContain(`<url><loc>${BASE}/contact</loc></url>`)
  })

  it('lists every category with the time it last changed, escaped for XML', async () => {
    const response = await shop.app.inject({ url: '/sitemaps/categories.xml' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('public, max-age=300')
    expect(response.body).toContain(
      `<url><loc>${BASE}/categories/mugs</loc><lastmod>2026-02-01T09:00:00Z</lastmod></url>`,
    )
    expect(response.body).toContain(`<loc>${BASE}/categories/bowls-&amp;-plates</loc>`)
  })

  it('lists only the products that may be indexed, with their images, escaped for XML', async () => {
    const response = await shop.app.inject({ url: '/sitemaps/products-1.xml' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/xml; charset=utf-8')
    expect(response.headers['cache-control']).toBe('public, max-age=300')
    expect(response.body).toContain(
      '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">',
    )
    expect(locs(response.body)).toEqual([`${BASE}/products/blue-mug`, `${BASE}/products/salt-&amp;-pepper`])
    expect(response.body).not.toContain('secret-draft')
    expect(response.body).not.toContain('old-jug')
    expect(response.body).toContain(
      `<url><loc>${BASE}/products/blue-mug</loc><lastmod>2026-03-05T12:30:00Z</lastmod>` +
        `<image:image><image:loc>${BASE}/media/aa/aa11bb22cc33dd44ee55ff6677889900-1200.jpg</image:loc></image:image>` +
        `<image:image><image:loc>${BASE}/media/bb/bb11bb22cc33dd44ee55ff6677889900-640.jpg</image:loc></image:image></url>`,
    )
    expect(response.body.trimEnd()).toMatch(/<\/urlset>$/)
  })

  it('answers a name it does not know under /sitemaps/ with the shop’s own 404 page', async () => {
    for (const url of ['/sitemaps/other.xml', '/sitemaps/products-0.xml', '/sitemaps/products-x.xml', '/sitemaps/']) {
      const response = await shop.app.inject({ url })
      expect(response.statusCode, url).toBe(404)
      expect(response.body, url).toContain('Page not found · ')
    }
  })

  it('answers a product file past the last with 404', async () => {
    const response = await shop.app.inject({ url: '/sitemaps/products-2.xml' })
    expect(response.statusCode).toBe(404)
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(response.headers['cache-control']).toBe('no-store')
  })

  it('builds absolute URLs from PUBLIC_URL when it is set', async () => {
    const other = await buildTestApp({ publicUrl: new URL('https://shop.example.com') }, { seed: false })
    try {
      const response = await other.app.inject({ url: '/sitemap.xml', headers: { host: 'shop.example.com' } })
      expect(locs(response.body)[0]).toBe('https://shop.example.com/sitemaps/pages.xml')
      const robots = await other.app.inject({ url: '/robots.txt', headers: { host: 'shop.example.com' } })
      expect(robots.body).toContain('Sitemap: https://shop.example.com/sitemap.xml\n')
    } finally {
      await other.close()
    }
  })

  it('serves robots.txt asking crawlers to stay out of private paths and pointing at the sitemap', async () => {
    const response = await shop.app.inject({ url: '/robots.txt' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(response.headers['set-cookie']).toBeUndefined()
    expect(response.body).toBe(
      ['User-agent: *', ...DISALLOWED_PATHS.map((p) => `Disallow: ${p}`), '', `Sitemap: ${BASE}/sitemap.xml`, ''].join(
        '\n',
      ),
    )
  })

  it('answers HEAD for the sitemap, a product file and robots.txt with headers and no body', async () => {
    for (const url of ['/sitemap.xml', '/sitemaps/products-1.xml', '/robots.txt']) {
      const response = await shop.app.inject({ method: 'HEAD', url })
      expect(response.statusCode, url).toBe(200)
      expect(response.headers['content-type'], url).toMatch(/^(application\/xml|text\/plain)/)
      expect(response.body, url).toBe('')
    }
  })
})

describe('product sitemap files', () => {
  let shop: TestShop
  let app: ReturnType<typeof Fastify>
  beforeAll(async () => {
    shop = await buildTestApp({}, { seed: false })
    // Eight indexable products among drafts, three to a file: files of 3, 3 and 2.
    for (let i = 1; i <= 10; i++) {
      await addProduct(shop.db, `product-${i}`, i % 4 === 0 ? 'draft' : 'active')
    }
    app = Fastify()
    app.decorate('config', shop.config)
    app.decorate('db', shop.db)
    await app.register(sitemapRoutes, { limits: { maxUrls: 3, pageSize: 2 } })
  })
  afterAll(async () => {
    await app.close()
    await shop.close()
  })

  it('splits the products into files of at most the limit, named in the index', async () => {
    const index = await app.inject({ url: '/sitemap.xml' })
    expect(locs(index.body).filter((loc) => loc.includes('/products-'))).toEqual([
      `${BASE}/sitemaps/products-1.xml`,
      `${BASE}/sitemaps/products-2.xml`,
      `${BASE}/sitemaps/products-3.xml`,
    ])
    const files = []
    for (const n of [1, 2, 3]) files.push(locs((await app.inject({ url: `/sitemaps/products-${n}.xml` })).body))
    const slugs = files.map((file) => file.map((loc) => loc.replace(`${BASE}/products/`, '')))
    expect(slugs).toEqual([
      ['product-1', 'product-2', 'product-3'],
      ['product-5', 'product-6', 'product-7'],
      ['product-9', 'product-10'],
    ])
    expect((await app.inject({ url: '/sitemaps/products-4.xml' })).statusCode).toBe(404)
  })
})
