import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestShop } from '../testing/app.js'
import {
  attachImage,
  changeProducts,
  createCategory,
  createImageRow,
  createProductRow,
  createVariantRow,
  deleteProduct,
} from '../testing/catalogue.js'
import { htmlErrors } from '../testing/html.js'

describe('searching the shop', () => {
  let shop: TestShop
  const categories: Record<string, number> = {}
  let counter = 0

  async function category(name: string, parentId: number | null = null) {
    const id = await createCategory(shop.db, name, { slug: name.toLowerCase(), parent_id: parentId })
    categories[name] = id
    return id
  }

  async function product(
    title: string,
    fields: {
      description?: string
      status?: 'draft' | 'active' | 'archived'
      category?: string
      prices?: number[]
      skus?: string[]
      stock?: number
    } = {},
  ) {
    counter++
    const row = await createProductRow(shop.db, {
      slug: `${title.toLowerCase().replace(/\W+/g, '-')}-${counter}`,
      title,
      description_text: fields.description ?? '',
      status: fields.status ?? 'active',
      category_id: fields.category ? (categories[fields.category] ?? null) : null,
    })
    const prices = fields.prices ?? [1250]
    for (const [i, price] of prices.entries()) {
      await createVariantRow(shop.db, {
        product_id: row.id,
        sku: fields.skus?.[i] ?? `T-${counter}-${i}`,
        price,
        stock: fields.stock ?? 5,
        position: i,
      })
    }
    return row
  }

  const search = (q: string, extra = '') => shop.app.inject({ url: `/search?q=${encodeURIComponent(q)}${extra}` })

  /** The results' cards, in order. */
  const cards = (html: string) =>
    html
      .match(/<ol class="product-grid search-results">([\s\S]*?)<\/ol>/)?.[1]
      ?.split('<li class="product-card">')
      .slice(1) ?? []
  /** The product titles of the results, in order. */
  const titles = (html: string) =>
    cards(html).map((card) => card.match(/<span class="product-card-title">([^<]+)<\/span>/)?.[1])

  beforeAll(async () => {
    shop = await buildTestApp({}, { seed: false })
    await category('Kitchen')
    await category('Textiles')
    await category('Cups', categories.Kitchen)
    await product('Stoneware mug', {
      description: 'A sturdy mug with a speckled glazing, fired twice.',
      category: 'Kitchen',
      prices: [1200, 1800],
      skus: ['ZX4471-S', 'ZX4471-L'],
    })
    await product('Speckled serving bowl', { description: 'Glazed inside, raw outside.', category: 'Kitchen' })
    await product('Tea towel', {
      description: 'Washes well with an apron. Safe for <script>alert(1)</script> & dishwashers too.',
      category: 'Textiles',
      stock: 0,
    })
    await product('Linen apron', { description: 'Cross-back straps.', category: 'Textiles' })
    await product('Hidden teapot draft', { status: 'draft', description: 'stoneware secret' })
    await product('Old teapot archived', { status: 'archived', description: 'stoneware secret' })
    for (let i = 1; i <= 30; i++) await product(`Beeswax candle ${i}`, { description: 'Hand-poured.' })
  })
  afterAll(() => shop.close())

  it('finds a product by a word in another form, through the stemmer', async () => {
    expect(titles((await search('mugs')).body)).toEqual(['Stoneware mug'])
    expect(titles((await search('glazed')).body)).toEqual(
      expect.arrayContaining(['Stoneware mug', 'Speckled serving bowl']),
    )
  })

  it('finds a product by the start of a word while it is being typed', async () => {
    expect(titles((await search('stonew')).body)).toEqual(['Stoneware mug'])
  })

  it('finds a product by one of its SKUs', async () => {
    const response = await search('ZX4471-L')
    expect(titles(response.body)).toEqual(['Stoneware mug'])
  })

  it('finds products by the name of their category', async () => {
    expect(titles((await search('textiles')).body).sort()).toEqual(['Linen apron', 'Tea towel'])
  })

  it('ranks a product with the word in its title above one with it only in the description', async () => {
    expect(titles((await search('apron')).body)).toEqual(['Linen apron', 'Tea towel'])
  })

  it('never shows draft or archived products', async () => {
    const response = await search('teapot')
    expect(response.statusCode).toBe(200)
    expect(response.body).not.toContain('Hidden teapot')
    expect(response.body).not.toContain('Old teapot')
    expect(response.body).toContain('No products found')
    expect(titles((await search('secret stoneware')).body)).toEqual([])
  })

  it('follows a product that is renamed', async () => {
    const made = await product('Walnut spoon')
    expect(titles((await search('walnut')).body)).toEqual(['Walnut spoon'])
    await changeProducts(shop.db, { title: 'Cherrywood spoon' }, made.id)
    expect(titles((await search('walnut')).body)).toEqual([])
    expect(titles((await search('cherrywood')).body)).toEqual(['Cherrywood spoon'])
  })

  it('forgets a product that is deleted', async () => {
    const made = await product('Olive board')
    expect(titles((await search('olive')).body)).toEqual(['Olive board'])
    await deleteProduct(shop.db, made.id)
    expect(titles((await search('olive')).body)).toEqual([])
  })

  it('answers queries that look like search syntax with a helpful page, never an error', async () => {
    for (const q of [
      '"',
      '*',
      'NEAR(',
      'AND',
      'a OR b',
      'title:foo',
      '"mug" OR "bowl"',
      '^mug',
      '-mug',
      'mug*',
      '(((',
      'x'.repeat(5000),
      'Ölkanne 東京 🙂',
      '\u0000',
    ]) {
      const response = await search(q)
      expect(response.statusCode, q).toBe(200)
      expect(response.body, q).toContain('<form method="get" action="/search" role="search" class="search-form">')
    }
    expect(titles((await search('title:mug')).body)).toEqual([])
    expect(titles((await search('mug AND')).body)).toEqual([])
    expect(titles((await search('"stoneware" mug')).body)).toEqual(['Stoneware mug'])
  })

  it('escapes the stored text of a snippet and marks the words that matched', async () => {
    const response = await search('dishwashers')
    expect(response.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; <mark>dishwashers</mark>')
    expect(response.body).not.toContain('<script>alert(1)')
  })

  it('escapes the query wherever the page shows it', async () => {
    const response = await search('<img src=x onerror=alert(1)>')
    expect(response.body).not.toContain('<img src=x')
    expect(response.body).toContain('&lt;img src=x onerror=alert(1)&gt;')
  })

  it('shows the price, "from" a price range, and the stock state of each result', async () => {
    const [mug] = cards((await search('stoneware')).body)
    expect(mug).toMatch(/<span class="product-card-now">From €12\.00<\/span>/)
    expect(mug).not.toContain('Out of stock')
    const [towel] = cards((await search('towel')).body)
    expect(towel).toMatch(/<span class="product-card-now">€12\.50<\/span>/)
    expect(towel).toContain('<p class="product-card-stock">Out of stock</p>')
  })

  it('shows the cover image of a result', async () => {
    const made = await product('Ash chopping board')
    const image = await createImageRow(shop.db, { key: 'ab'.repeat(16), width: 1600, height: 1200 })
    await attachImage(shop.db, { product_id: made.id, image_id: image.id, position: 0, alt: 'A board on a <table>' })
    const response = await search('chopping')
    expect(titles(response.body)).toEqual(['Ash chopping board'])
    expect(response.body).toContain(`srcset="/media/ab/${'ab'.repeat(16)}-320.webp 320w`)
    expect(response.body).toContain('alt="A board on a &lt;table&gt;"')
    expect(await htmlErrors(response.body)).toEqual([])
  })

  it('says how many products were found and links each to its page', async () => {
    const response = await search('stoneware')
    expect(response.body).toContain('1 product found')
    expect(cards(response.body)[0]).toMatch(
      /<a href="\/products\/stoneware-mug-\d+">\s*<span class="product-card-title">Stoneware mug<\/span>/,
    )
  })

  it('suggests a spelling that finds something when a word is misspelt', async () => {
    const response = await search('stonewere')
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('Did you mean <a href="/search?q=stoneware">stoneware</a>?')
    expect(titles((await shop.app.inject({ url: '/search?q=stoneware' })).body)).toEqual(['Stoneware mug'])
  })

  it('offers the top-level categories when nothing is found', async () => {
    const response = await search('zzzzqqq')
    expect(response.body).toContain('No products found')
    expect(response.body).toContain('<a href="/categories/kitchen">Kitchen</a>')
    expect(response.body).toContain('<a href="/categories/textiles">Textiles</a>')
    expect(response.body).not.toContain('/categories/cups')
  })

  it('shows the form and suggestions for an empty search', async () => {
    for (const url of ['/search', '/search?q=', '/search?q=%22%2A%28']) {
      const response = await shop.app.inject({ url })
      expect(response.statusCode, url).toBe(200)
      expect(response.body).toContain('<title>Search · ')
      expect(response.body).toContain('<label for="search-q">Search for</label>')
      expect(response.body).toContain('<a href="/categories/kitchen">Kitchen</a>')
      expect(response.body).not.toContain('No products found')
    }
  })

  it('pages through many results, 24 to a page', async () => {
    const first = await search('candle')
    expect(first.body).toContain('30 products found')
    expect(titles(first.body)).toHaveLength(24)
    expect(first.body).toContain('href="/search?q=candle&amp;page=2" rel="next"')
    const second = await search('candle', '&page=2')
    expect(second.statusCode).toBe(200)
    expect(second.body).toContain('<title>Search results for “candle” – page 2 · ')
    expect(titles(second.body)).toHaveLength(6)
  })

  it('answers a page past the end, or one that is not a page number, with 404', async () => {
    expect((await search('candle', '&page=3')).statusCode).toBe(404)
    expect((await search('zzzzqqq', '&page=2')).statusCode).toBe(404)
    expect((await search('candle', '&page=0')).statusCode).toBe(404)
    expect((await search('candle', '&page=two')).statusCode).toBe(404)
  })

  it('reads a query sent twice as the first one', async () => {
    const response = await shop.app.inject({ url: '/search?q=apron&q=candle' })
    expect(response.statusCode).toBe(200)
    expect(titles(response.body)).toEqual(['Linen apron', 'Tea towel'])
  })

  it('is kept out of search engines and has a title naming the query', async () => {
    const response = await search('apron')
    expect(response.body).toMatch(/<meta name="robots" content="noindex[^"]*">/)
    expect(response.body).not.toContain('rel="canonical"')
    expect(response.body).toContain('<title>Search results for “apron” · ')
  })

  it('answers HEAD like GET, without a body', async () => {
    const response = await shop.app.inject({ method: 'HEAD', url: '/search?q=apron' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(response.body).toBe('')
  })

  it('is valid HTML with results, a suggestion and an empty search', async () => {
    for (const url of ['/search?q=stoneware', '/search?q=stonewere', '/search', '/search?q=candle&page=2']) {
      const response = await shop.app.inject({ url })
      expect(await htmlErrors(response.body, url), url).toEqual([])
    }
  })
})
