import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../db/connection.js'
import {
  changeVariants,
  createCategory,
  createProductRow,
  createVariantRow,
  deleteProduct,
} from '../../testing/catalogue.js'
import { type OpenTestDb, openTestDb } from '../../testing/database.js'
import {
  editDistance,
  highlightSnippet,
  MAX_TOKENS,
  matchExpression,
  searchCatalogue,
  searchTokens,
  suggestCorrection,
  termDistance,
  toMatchQuery,
} from './search.js'
import { countSearchResults, searchProducts, selectVocabularyCandidates } from './search.repository.js'

describe('turning what a person typed into a search', () => {
  it('quotes every word and lets the last one match as a prefix', () => {
    expect(toMatchQuery('Stoneware mug')).toBe('"stoneware" AND "mug"*')
  })

  it('gives no prefix to a last word of one letter', () => {
    expect(toMatchQuery('mug a')).toBe('"mug" AND "a"')
  })

  it('has nothing to search for in an empty query or one of symbols only', () => {
    expect(toMatchQuery('')).toBeNull()
    expect(toMatchQuery('   ')).toBeNull()
    expect(toMatchQuery('"*()^:-+{}')).toBeNull()
  })

  it('drops quotes and stars instead of passing them to FTS5', () => {
    expect(toMatchQuery('"')).toBeNull()
    expect(toMatchQuery('*')).toBeNull()
    expect(toMatchQuery('mug" OR "x')).toBe('"mug" AND "or" AND "x"')
    expect(toMatchQuery('mu*g')).toBe('"mu" AND "g"')
  })

  it('treats AND, OR, NOT and NEAR as ordinary words', () => {
    expect(toMatchQuery('AND')).toBe('"and"*')
    expect(toMatchQuery('a OR b')).toBe('"a" AND "or" AND "b"')
    expect(toMatchQuery('NEAR(mug bowl)')).toBe('"near" AND "mug" AND "bowl"*')
    expect(toMatchQuery('NOT mug')).toBe('"not" AND "mug"*')
  })

  it('cannot name a column or an initial-token filter', () => {
    expect(toMatchQuery('title:foo')).toBe('"title" AND "foo"*')
    expect(toMatchQuery('^foo')).toBe('"foo"*')
    expect(toMatchQuery('{title skus}: foo')).toBe('"title" AND "skus" AND "foo"*')
  })

  it('keeps letters and digits of every script, folded to lower case', () => {
    expect(searchTokens('Café Ñandú 東京 Ölkanne 42')).toEqual(['café', 'ñandú', '東京', 'ölkanne', '42'])
    expect(searchTokens('e\u0301te\u0301')).toEqual(['été'])
    expect(searchTokens('🙂 £12')).toEqual(['12'])
  })

  it('reads no more than 200 characters and ten words', () => {
    const words = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ')
    expect(searchTokens(words)).toHaveLength(MAX_TOKENS)
    expect(searchTokens('a'.repeat(5000))).toEqual(['a'.repeat(200)])
  })

  it('leaves tags and character references out of the words', () => {
    expect(searchTokens('<b>Mug</b> &amp; <a href="/x">bowl</a> &#39;jug&#x27;')).toEqual(['mug', 'bowl', 'jug'])
    expect(searchTokens('mugs < 20 and > 10')).toEqual(['mugs', '20', 'and', '10'])
    expect(searchTokens('<script>')).toEqual([])
  })

  it('searches a repeated word once', () => {
    expect(searchTokens('mug MUG Mug bowl')).toEqual(['mug', 'bowl'])
  })

  it('doubles a quote should one ever reach a token', () => {
    expect(matchExpression(['a"b'])).toBe('"a""b"*')
  })
})

describe('a highlighted snippet', () => {
  it('escapes the stored text and only then marks the hits', () => {
    expect(highlightSnippet('Safe for <script> & \u0001dishwashers\u0002 "too"')).toBe(
      'Safe for &lt;script&gt; &amp; <mark>dishwashers</mark> &quot;too&quot;',
    )
  })

  it('never leaves a mark open or closes one that was not opened', () => {
    expect(highlightSnippet('\u0002a \u0001b \u0001c')).toBe('a <mark>b c</mark>')
  })

  it('drops other control characters', () => {
    expect(highlightSnippet('a\u0000b\u0007c\td')).toBe('abc\td')
  })
})

describe('the distance between a typed word and an indexed term', () => {
  it('counts insertions, deletions, substitutions and swapped neighbours', () => {
    expect(editDistance('mug', 'mug')).toBe(0)
    expect(editDistance('mgu', 'mug')).toBe(1)
    expect(editDistance('kitten', 'sitting')).toBe(3)
  })

  it('gives up past the allowed distance', () => {
    expect(editDistance('a', 'abcdefgh', 2)).toBe(3)
  })

  it('lets a stem stand for the word with its suffix', () => {
    expect(termDistance('stonewere', 'stonewar', 2)).toBe(2)
    expect(termDistance('glazzing', 'glaze', 2)).toBeLessThanOrEqual(2)
  })
})

describe('searching the catalogue index', () => {
  let handle: OpenTestDb
  let db: Db
  let category = 0

  async function product(
    title: string,
    fields: { description?: string; status?: 'draft' | 'active' | 'archived'; sku?: string } = {},
  ) {
    const row = await createProductRow(db, {
      title,
      description_text: fields.description ?? '',
      status: fields.status ?? 'active',
      category_id: category,
    })
    await createVariantRow(db, { product_id: row.id, sku: fields.sku ?? `SKU${row.id}`, price: 1000 })
    return row.id
  }

  beforeAll(async () => {
    handle = await openTestDb({ migrated: true })
    db = handle.db
    category = await createCategory(db, 'Kitchen')
    await product('Stoneware mug', { description: 'Hand glazing & a <b>bold</b> rim.' })
    await product('Speckled bowl', { description: 'A stoneware bowl for soup.' })
    await product('Secret stoneware jug', { status: 'draft' })
  })
  afterAll(async () => {
    await handle.close()
  })

  it('finds active products only, title hits first, with a marked snippet', async () => {
    const rows = await searchProducts(db, toMatchQuery('stoneware') as string, { limit: 10, offset: 0 })
    expect(rows.map((r) => r.title)).toEqual(['Stoneware mug', 'Speckled bowl'])
    expect(rows[1]?.snippet).toBe('A \u0001stoneware\u0002 bowl for soup.')
  })

  it("shows results as the listing's cards: picture, 'was' price of a sale, and the snippet as safe HTML", async () => {
    const jug = await product('Stoneware jug on sale', { description: 'A jug.' })
    await changeVariants(db, { compare_at_price: 1500 }, { product_id: jug })
    try {
      const page = await searchCatalogue(db, { q: 'stoneware', page: 1 })
      const byTitle = Object.fromEntries((page?.results ?? []).map((r) => [r.title, r]))
      expect(byTitle['Stoneware jug on sale']).toMatchObject({ price_min: 1000, compare_at: 1500, image: null })
      expect(byTitle['Stoneware mug']).toMatchObject({ compare_at: null, image: null })
      expect(byTitle['Speckled bowl']?.snippetHtml).toBe('A <mark>stoneware</mark> bowl for soup.')
    } finally {
      await deleteProduct(db, jug)
    }
  })

  it('never searches for or suggests from markup typed into the box', async () => {
    expect(await suggestCorrection(db, searchTokens('<strong>stonewere</strong>'))).toEqual({
      query: 'stoneware',
      href: '/search?q=stoneware',
    })
    const page = await searchCatalogue(db, { q: '<span class="x">speckeld</span> &amp; <em>bowl</em>', page: 1 })
    expect(page?.didYouMean?.query).toBe('speckled bowl')
  })

  it('counts matches up to a cap', async () => {
    expect(await countSearchResults(db, toMatchQuery('stoneware') as string, 1000)).toBe(2)
    expect(await countSearchResults(db, toMatchQuery('stoneware') as string, 1)).toBe(1)
  })

  it('reads stems sharing the first letter from the vocabulary', async () => {
    const terms = (await selectVocabularyCandidates(db, 'stonewere', 2)).map((c) => c.term)
    expect(terms).toContain('stonewar')
    expect(terms.every((t) => t.startsWith('s'))).toBe(true)
  })

  it('suggests the word as a product spells it, not its stem', async () => {
    expect(await suggestCorrection(db, ['stonewere'])).toEqual({ query: 'stoneware', href: '/search?q=stoneware' })
    expect(await suggestCorrection(db, ['speckeld', 'bowl'])).toEqual({
      query: 'speckled bowl',
      href: '/search?q=speckled+bowl',
    })
  })

  it('never suggests a short word that only starts the same ("alert" is not "a")', async () => {
    expect(await suggestCorrection(db, ['alert'])).toBeNull()
  })

  it('suggests nothing that would only find a draft', async () => {
    expect(await suggestCorrection(db, ['secrit'])).toBeNull()
  })

  it('answers a page past the end with null', async () => {
    expect(await searchCatalogue(db, { q: 'stoneware', page: 2 })).toBeNull()
    expect(await searchCatalogue(db, { q: '', page: 2 })).toBeNull()
    expect(await searchCatalogue(db, { q: 'nothingmatches', page: 2 })).toBeNull()
  })

  it('offers categories when there is nothing to search for', async () => {
    const page = await searchCatalogue(db, { q: '**', page: 1 })
    expect(page).toMatchObject({ searched: false, results: [], categories: [{ name: 'Kitchen', slug: 'kitchen' }] })
  })
})
