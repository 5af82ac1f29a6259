import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { updateProduct } from '../modules/catalogue/catalogue.service.js'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { createCategory, createTestProduct } from '../testing/catalogue.js'
import { htmlErrors } from '../testing/html.js'

function titles(html: string): string[] {
  return [...html.matchAll(/<span class="product-card-title">([^<]*)<\/span>/g)].map((m) => m[1] as string)
}

function jsonLd(html: string): Record<string, any>[] {
  return [...html.matchAll(/<script type="application\/ld\+json">(.*?)<\/script>/g)].map((m) =>
    JSON.parse(m[1] as string),
  )
}

describe('catalogue pages', () => {
  let shop: TestShop
  let shirtsId: number
  beforeAll(async () => {
    shop = await buildTestApp()
    const clothing = await createCategory(shop.db, 'Clothing')
    shirtsId = await createCategory(shop.db, 'Shirts', { parent_id: clothing })
    const kitchen = await createCategory(shop.db, 'Kitchen')
    await createTestProduct(shop.db, {
      title: 'Linen Shirt',
      categoryId: shirtsId,
      optionNames: ['Size', 'Colour'],
      descriptionMd: 'A **washed linen** shirt.',
      attributes: { Material: 'Linen' },
      variants: [
        { sku: 'SHIRT-M-BLUE', options: { Size: 'M', Colour: 'Blue' }, price: 4500, stock: 3 },
        { sku: 'SHIRT-L-BLUE', options: { Size: 'L', Colour: 'Blue' }, price: 4900, compareAtPrice: 5900, stock: 0 },
        { sku: 'SHIRT-M-SAND', options: { Size: 'M', Colour: 'Sand' }, price: 4500, stock: 10 },
      ],
    })
    await createTestProduct(shop.db, {
      title: 'Cotton Scarf',
      categoryId: clothing,
      variants: [{ sku: 'SCARF', price: 2000, stock: 0 }],
    })
    await createTestProduct(shop.db, {
      title: 'Bread Knife',
      categoryId: kitchen,
      variants: [{ sku: 'KNIFE', price: 3000, stock: 4 }],
    })
    await createTestProduct(shop.db, {
      title: 'Apron',
      categoryId: kitchen,
      variants: [{ sku: 'APRON', price: 1500, stock: 9 }],
    })
    await createTestProduct(shop.db, { title: 'Secret Draft', status: 'draft', categoryId: kitchen })
    await createTestProduct(shop.db, { title: 'Old Teapot', status: 'archived', categoryId: kitchen })
  })
  afterAll(() => shop.close())

  it('lists active products newest first, never drafts or archived ones', async () => {
    const response = await shop.app.inject({ url: '/products' })
    expect(response.statusCode).toBe(200)
    expect(titles(response.body)).toEqual(['Apron', 'Bread Knife', 'Cotton Scarf', 'Linen Shirt'])
    expect(response.body).toContain('<link rel="canonical" href="http://localhost:80/products">')
    expect(await htmlErrors(response.body)).toEqual([])
  })

  it('sorts by price both ways and by name', async () => {
    const up = await shop.app.inject({ url: '/products?sort=price_asc' })
    expect(titles(up.body)).toEqual(['Apron', 'Cotton Scarf', 'Bread Knife', 'Linen Shirt'])
    const down = await shop.app.inject({ url: '/products?sort=price_desc' })
    expect(titles(down.body)).toEqual(['Linen Shirt', 'Bread Knife', 'Cotton Scarf', 'Apron'])
    const name = await shop.app.inject({ url: '/products?sort=name' })
    expect(titles(name.body)).toEqual(['Apron', 'Bread Knife', 'Cotton Scarf', 'Linen Shirt'])
  })

  it('filters by category with its subcategories, price range, stock and option values', async () => {
    expect(titles((await shop.app.inject({ url: '/products?category=clothing' })).body)).toEqual([
      'Cotton Scarf',
      'Linen Shirt',
    ])
    expect(titles((await shop.app.inject({ url: '/categories/clothing' })).body)).toEqual([
      'Cotton Scarf',
      'Linen Shirt',
    ])
    expect(titles((await shop.app.inject({ url: '/products?min=15&max=30' })).body)).toEqual([
      'Apron',
      'Bread Knife',
      'Cotton Scarf',
    ])
    expect(titles((await shop.app.inject({ url: '/products?in_stock=1' })).body)).toEqual([
      'Apron',
      'Bread Knife',
      'Linen Shirt',
    ])
    expect(titles((await shop.app.inject({ url: '/products?option=Colour%3ASand' })).body)).toEqual(['Linen Shirt'])
    // Size L exists only in blue and that variant is sold out.
    expect(titles((await shop.app.inject({ url: '/products?option=Size%3AL&in_stock=1' })).body)).toEqual([])
    expect(titles((await shop.app.inject({ url: '/products?option=Size%3AL&option=Colour%3ASand' })).body)).toEqual([])
  })

  it('offers only the option values the branch being browsed has, with how many products offer each', async () => {
    const clothing = (await shop.app.inject({ url: '/categories/clothing' })).body
    const offered = (html: string) =>
      [
        ...html.matchAll(
          /name="option" value="([^"]+)"[^>]*>\s*<label [^>]*>[^<]*<span class="facet-count">\((\d+)\)/g,
        ),
      ].map((m) => `${m[1]} ${m[2]}`)
    // In the order the product lists them (M before L), not alphabetical.
    expect(offered(clothing)).toEqual(['Colour:Blue 1', 'Colour:Sand 1', 'Size:M 1', 'Size:L 1'])
    const kitchen = (await shop.app.inject({ url: '/categories/kitchen' })).body
    expect(offered(kitchen)).toEqual([])
    expect(kitchen).not.toContain('<legend>Size</legend>')
    // A value chosen in the address that the branch does not have stays on the form, so it can be unticked.
    const chosen = (await shop.app.inject({ url: '/categories/kitchen?option=Size%3AM' })).body
    expect(offered(chosen)).toEqual(['Size:M 0'])
    expect(chosen).toMatch(/value="Size:M" checked>/)
  })

  it('folds the filters behind "Filter and sort" and lists each filter in use with a link that removes it', async () => {
    const response = await shop.app.inject({ url: '/products?category=clothing&in_stock=1&option=Size%3AM&min=10' })
    expect(response.body).toMatch(
      /<details class="filter-panel">\s*<summary[^>]*>Filter and sort <span class="filter-count">\(4\)<\/span><\/summary>/,
    )
    const removals = [
      ...response.body.matchAll(/<li><a href="([^"]+)" aria-label="Remove [^"]+">([^<]+) <span aria-hidden="true">×/g),
    ].map((m) => [m[2], m[1]?.replaceAll('&amp;', '&')])
    expect(removals).toEqual([
      ['Category: Clothing', '/products?min=10&in_stock=1&option=Size%3AM'],
      ['Price from 10', '/products?category=clothing&in_stock=1&option=Size%3AM'],
      ['In stock only', '/products?category=clothing&min=10&option=Size%3AM'],
      ['Size: M', '/products?category=clothing&min=10&in_stock=1'],
    ])
    expect(await htmlErrors(response.body)).toEqual([])
    // A bad value opens the panel, so its message is seen.
    expect((await shop.app.inject({ url: '/products?min=abc' })).body).toContain('<details class="filter-panel" open>')
    expect((await shop.app.inject({ url: '/products' })).body).not.toContain('class="active-filters"')
  })

  it('marks filtered listings noindex,follow and keeps sorted ones indexable with a clean canonical', async () => {
    const filtered = await shop.app.inject({ url: '/products?in_stock=1' })
    expect(filtered.body).toContain('<meta name="robots" content="noindex,follow">')
    const sorted = await shop.app.inject({ url: '/products?sort=price_asc&page=1&utm_source=news' })
    expect(sorted.body).not.toContain('noindex')
    expect(sorted.body).toContain('<link rel="canonical" href="http://localhost:80/products">')
  })

  it('answers bad filter values with a message and 400, not a guess', async () => {
    const response = await shop.app.inject({ url: '/products?min=cheap&sort=random' })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('Enter the lowest price as an amount, like 25 or 12.50')
    expect(response.body).toContain('Choose a sort order from the list')
    const reversed = await shop.app.inject({ url: '/products?min=50&max=10' })
    expect(reversed.statusCode).toBe(400)
    expect(reversed.body).toContain('The highest price must be at least the lowest price')
  })

  it('answers a page past the end and an unknown category with 404', async () => {
    expect((await shop.app.inject({ url: '/products?page=2' })).statusCode).toBe(404)
    expect((await shop.app.inject({ url: '/products?page=0' })).statusCode).toBe(400)
    expect((await shop.app.inject({ url: '/categories/nope' })).statusCode).toBe(404)
  })

  it('shows a product with its first available variant, price, stock, breadcrumbs and description', async () => {
    const response = await shop.app.inject({ url: '/products/linen-shirt' })
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('<span data-price>£45.00</span>')
    expect(response.body).toContain('<span data-sku>SHIRT-M-BLUE</span>')
    expect(response.body).toContain('Only 3 left')
    expect(response.body).toContain('<strong>washed linen</strong>')
    expect(response.body).toMatch(
      /<a href="\/categories\/clothing">Clothing<\/a>[\s\S]*<a href="\/categories\/shirts">Shirts<\/a>/,
    )
    expect(response.body).toContain('<meta property="og:type" content="product">')
    expect(await htmlErrors(response.body)).toEqual([])
  })

  it('shows the chosen variant from the plain option form', async () => {
    const response = await shop.app.inject({ url: '/products/linen-shirt?Size=L&Colour=Blue' })
    expect(response.body).toContain('<span data-price>£49.00</span>')
    expect(response.body).toContain('<span data-sku>SHIRT-L-BLUE</span>')
    expect(response.body).toContain('Out of stock')
    expect(response.body).toMatch(/<del data-compare-at>.*£59.00/)
    expect(response.body).toContain('<link rel="canonical" href="http://localhost:80/products/linen-shirt">')
    const missing = await shop.app.inject({ url: '/products/linen-shirt?Size=L&Colour=Sand' })
    expect(missing.statusCode).toBe(200)
    expect(missing.body).toContain('That combination is not made')
  })

  it('describes the product to crawlers as schema.org Product, Offer and BreadcrumbList', async () => {
    const data = jsonLd((await shop.app.inject({ url: '/products/linen-shirt' })).body)
    const product = data.find((d) => d['@type'] === 'Product') as Record<string, any>
    expect(product).toMatchObject({
      '@context': 'https://schema.org',
      name: 'Linen Shirt',
      url: 'http://localhost:80/products/linen-shirt',
    })
    expect(product.offers).toHaveLength(3)
    expect(product.offers[1]).toMatchObject({
      '@type': 'Offer',
      sku: 'SHIRT-L-BLUE',
      price: '49.00',
      priceCurrency: 'GBP',
      availability: 'https://schema.org/OutOfStock',
    })
    const crumbs = data.find((d) => d['@type'] === 'BreadcrumbList') as Record<string, any>
    expect(crumbs.itemListElement.map((i: any) => [i.position, i.name])).toEqual([
      [1, 'Clothing'],
      [2, 'Shirts'],
      [3, 'Linen Shirt'],
    ])
    for (const entity of data) expect(schemaOrgProblems(entity)).toEqual([])
  })

  it('describes the shop on the home page as Organization and WebSite with a search action', async () => {
    const data = jsonLd((await shop.app.inject({ url: '/' })).body)
    expect(data.map((d) => d['@type'])).toEqual(['Organization', 'WebSite'])
    expect(data[1]?.potentialAction.target.urlTemplate).toBe('http://localhost:80/search?q={search_term_string}')
    for (const entity of data) expect(schemaOrgProblems(entity)).toEqual([])
  })

  it('redirects an old slug with 301 to the new one, keeping the query', async () => {
    const id = (
      await shop.db.selectFrom('products').select('id').where('slug', '=', 'bread-knife').executeTakeFirstOrThrow()
    ).id
    await updateProduct(shop.db, id, { slug: 'bread-knife-large' })
    const response = await shop.app.inject({ url: '/products/bread-knife?utm_source=x' })
    expect(response.statusCode).toBe(301)
    expect(response.headers.location).toBe('/products/bread-knife-large?utm_source=x')
    expect((await shop.app.inject({ url: '/products/bread-knife-large' })).statusCode).toBe(200)
    await updateProduct(shop.db, id, { slug: 'bread-knife' })
    expect((await shop.app.inject({ url: '/products/bread-knife' })).statusCode).toBe(200)
    expect((await shop.app.inject({ url: '/products/bread-knife-large' })).statusCode).toBe(301)
  })

  it('answers 410 for an archived product with a link to its category, 404 for drafts and unknown ones', async () => {
    const gone = await shop.app.inject({ url: '/products/old-teapot' })
    expect(gone.statusCode).toBe(410)
    expect(gone.body).toContain('href="/categories/kitchen"')
    expect(gone.body).toContain('noindex')
    expect((await shop.app.inject({ url: '/products/secret-draft' })).statusCode).toBe(404)
    expect((await shop.app.inject({ url: '/products/no-such-thing' })).statusCode).toBe(404)
  })

  it('serves anonymous pages without a session, so nothing is written and proxies may keep them', async () => {
    const before = await shop.db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
    for (const url of ['/', '/products', '/products/linen-shirt', '/categories/shirts']) {
      const response = await shop.app.inject({ url })
      expect(response.headers['set-cookie']).toBeUndefined()
      expect(response.headers['cache-control']).toBe('public, max-age=0, s-maxage=60')
    }
    const after = await shop.db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
    expect(after).toEqual(before)
  })

  it('answers HEAD like GET, without a body', async () => {
    const response = await shop.app.inject({ method: 'HEAD', url: '/products/linen-shirt' })
    expect(response.statusCode).toBe(200)
    expect(response.body).toBe('')
  })

  it('keeps category pages paginated with rel prev and next', async () => {
    for (let i = 0; i < 30; i++) await createTestProduct(shop.db, { title: `Shirt ${i}`, categoryId: shirtsId })
    const first = await shop.app.inject({ url: '/categories/shirts' })
    expect(first.body).toContain('<link rel="next" href="/categories/shirts?page=2">')
    const second = await shop.app.inject({ url: '/categories/shirts?page=2' })
    expect(second.statusCode).toBe(200)
    expect(second.body).toContain('<link rel="prev" href="/categories/shirts">')
    expect(second.body).toContain('<link rel="canonical" href="http://localhost:80/categories/shirts?page=2">')
    expect(second.body).toContain('<title>Shirts – page 2')
  })
})

/** The schema.org properties this shop uses, per type, as the vocabulary defines them (schema.org/Product etc.). */
const vocabulary: Record<string, string[]> = {
  Product: ['name', 'description', 'url', 'image', 'sku', 'category', 'brand', 'offers'],
  Offer: ['sku', 'price', 'priceCurrency', 'availability', 'url', 'itemCondition'],
  Brand: ['name'],
  BreadcrumbList: ['itemListElement'],
  ListItem: ['position', 'name', 'item'],
  Organization: ['name', 'url', 'logo', 'email', 'telephone'],
  WebSite: ['name', 'url', 'potentialAction'],
  SearchAction: ['target', 'query-input'],
  EntryPoint: ['urlTemplate'],
}
const enumerations = /^https:\/\/schema\.org\/(InStock|OutOfStock|BackOrder|NewCondition)$/

function schemaOrgProblems(entity: unknown, path = '$'): string[] {
  if (Array.isArray(entity)) return entity.flatMap((e, i) => schemaOrgProblems(e, `${path}[${i}]`))
  if (typeof entity !== 'object' || entity === null) {
    return typeof entity === 'string' && entity.startsWith('https://schema.org/') && !enumerations.test(entity)
      ? [`${path}: unknown enumeration ${entity}`]
      : []
  }
  const record = entity as Record<string, unknown>
  const type = record['@type']
  if (typeof type !== 'string' || !vocabulary[type]) return [`${path}: unknown @type ${String(type)}`]
  const problems: string[] = []
  for (const [key, value] of Object.entries(record)) {
    if (key === '@type' || key === '@context') continue
    if (!vocabulary[type]?.includes(key)) problems.push(`${path}.${key} is not a property of ${type}`)
    problems.push(...schemaOrgProblems(value, `${path}.${key}`))
  }
  return problems
}
