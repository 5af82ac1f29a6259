import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../db/connection.js'
import { migrateToLatest } from '../../db/migrator.js'
import type { Database } from '../../db/schema.js'
import { createCategory, createTestProduct } from '../../testing/catalogue.js'
import {
  countListing,
  type ListingFilter,
  type ListingSort,
  selectCoverImages,
  countOptionValue,
  selectFeatured,
  selectOptionValues,
  selectListing,
  selectProductBySlug,
  selectProductImages,
  selectRelated,
  selectRenamedSlug,
  selectVariants,
} from './catalogue.repository.js'

/**
 * The storefront's queries must stay index lookups as the catalogue grows:
 * each one's plan may not scan a whole table, and listings may not sort
 * (a temporary b-tree) the rows they page through.
 */
describe('storefront query plans', () => {
  const sqlite = new SQLite(':memory:')
  const seen: { sql: string; params: unknown[] }[] = []
  const db: Db = new Kysely<Database>({
    dialect: new SqliteDialect({
      database: {
        close: () => sqlite.close(),
        prepare(sql: string) {
          const statement = sqlite.prepare(sql)
          return {
            reader: statement.reader,
            all: (params: readonly unknown[]) => {
              seen.push({ sql, params: [...params] })
              return statement.all(...params)
            },
            run: (params: readonly unknown[]) => statement.run(...params),
            iterate: (params: readonly unknown[]) => statement.iterate(...params),
          }
        },
      },
    }),
  })

  let categoryId: number
  beforeAll(async () => {
    await migrateToLatest(db)
    categoryId = await createCategory(db, 'Mugs')
    await createTestProduct(db, {
      title: 'Big Mug',
      categoryId,
      optionNames: ['Size'],
      variants: [{ sku: 'MUG-L', options: { Size: 'L' }, price: 1000, stock: 2 }],
    })
  })
  afterAll(() => db.destroy())

  function plan(run: () => Promise<unknown>) {
    return async () => {
      seen.length = 0
      await run()
      expect(seen.length).toBeGreaterThan(0)
      return seen.map(({ sql, params }) => ({
        sql,
        plan: (sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail),
      }))
    }
  }

  function expectIndexed(plans: { sql: string; plan: string[] }[], { sorted = true } = {}) {
    for (const { sql, plan } of plans) {
      const scans = plan.filter(
        (line) =>
          /^SCAN /.test(line) && !/USING (COVERING )?INDEX/.test(line) && !/^SCAN (matches|CONSTANT ROW)/.test(line),
      )
      expect(scans, `${sql}\n${plan.join('\n')}`).toEqual([])
      if (sorted)
        expect(
          plan.filter((l) => l.includes('TEMP B-TREE')),
          `${sql}\n${plan.join('\n')}`,
        ).toEqual([])
    }
  }

  const sorts: ListingSort[] = ['newest', 'price_asc', 'price_desc', 'name']
  for (const sort of sorts) {
    for (const [name, filter] of [
      ['the whole shop', {}],
      ['a category', { categoryIds: [1] }],
      ['in stock', { inStock: true }],
    ] as [string, ListingFilter][]) {
      it(`pages through ${name} sorted by ${sort} along an index`, async () => {
        const f = name === 'a category' ? { categoryIds: [categoryId] } : filter
        expectIndexed(await plan(() => selectListing(db, f, sort, 24, 48))())
        expectIndexed(await plan(() => countListing(db, f, 2401))(), { sorted: false })
      })
    }
  }

  it('filters by a price range and by option values without scanning the catalogue', async () => {
    expectIndexed(await plan(() => selectListing(db, { minPrice: 500, maxPrice: 2000 }, 'price_asc', 24, 0))())
    expectIndexed(await plan(() => selectListing(db, { options: { Size: ['L'] } }, 'newest', 24, 0))())
  })

  it('finds a product, its variants, images, related products and old slugs by index', async () => {
    expectIndexed(await plan(() => selectProductBySlug(db, 'big-mug'))())
    expectIndexed(await plan(() => selectVariants(db, 1))(), { sorted: false })
    expectIndexed(await plan(() => selectProductImages(db, 1))(), { sorted: false })
    expectIndexed(await plan(() => selectRelated(db, { id: 1, category_id: categoryId }, 4))())
    expectIndexed(await plan(() => selectCoverImages(db, [1, 2, 3]))(), { sorted: false })
    expectIndexed(await plan(() => selectRenamedSlug(db, 'old-mug'))())
    expectIndexed(await plan(() => selectOptionValues(db, categoryId, 10))())
    expectIndexed(await plan(() => selectOptionValues(db, undefined, 10))())
    expectIndexed(await plan(() => countOptionValue(db, categoryId, { name: 'Size', value: 'L' }, 101))())
    expectIndexed(await plan(() => countOptionValue(db, undefined, { name: 'Size', value: 'L' }, 101))())
    expectIndexed(await plan(() => selectFeatured(db, 8))(), { sorted: false })
  })
})
