import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../db/connection.js'
import { deferForeignKeys } from '../../db/dialect/index.js'
import {
  changeProducts,
  createCategory,
  createOptionValueRow,
  createProductRow,
  createTestProduct,
  createVariantRow,
} from '../../testing/catalogue.js'
import { type OpenTestDb, openTestDb } from '../../testing/database.js'
import { FACET_COUNT_CAP, listingFacets } from './catalogue.service.js'

describe("a listing's option filters", () => {
  let handle: OpenTestDb
  let db: Db
  let mugs: number
  let linen: number
  let aprons: number
  let mug: number

  beforeAll(async () => {
    handle = await openTestDb({ migrated: true })
    db = handle.db
    mugs = await createCategory(db, 'Mugs')
    linen = await createCategory(db, 'Linen')
    aprons = await createCategory(db, 'Aprons', { parent_id: linen })
    mug = await createTestProduct(db, {
      title: 'Tall mug',
      categoryId: mugs,
      optionNames: ['Size'],
      variants: [
        { sku: 'MUG-S', options: { Size: 'Small' }, price: 1000, stock: 1 },
        { sku: 'MUG-L', options: { Size: 'Large' }, price: 1400, stock: 0 },
      ],
    })
    for (const [i, colour] of ['Oat', 'Ink', 'Oat'].entries()) {
      await createTestProduct(db, {
        title: `Apron ${i}`,
        categoryId: aprons,
        optionNames: ['Size', 'Colour'],
        variants: [
          { sku: `AP${i}-L`, options: { Size: 'Large', Colour: colour }, price: 3000, stock: 1 },
          { sku: `AP${i}-M`, options: { Size: 'Medium', Colour: colour }, price: 3000, stock: 1 },
        ],
      })
    }
    await createTestProduct(db, {
      title: 'Draft apron',
      status: 'draft',
      categoryId: aprons,
      optionNames: ['Colour'],
      variants: [{ sku: 'AP-DRAFT', options: { Colour: 'Clay' }, price: 3000, stock: 1 }],
    })
  })
  afterAll(async () => {
    await handle.close()
  })

  const flat = async (ids: number[] | undefined) =>
    (await listingFacets(db, ids)).flatMap((g) => g.values.map((v) => `${g.name}:${v.value} ${v.products}`))

  it('offers the values of the branch browsed only, counted by product, in the order products list them', async () => {
    expect(await flat([mugs])).toEqual(['Size:Small 1', 'Size:Large 1'])
    // Large is listed first by the aprons; a draft's colour is not offered.
    expect(await flat([linen, aprons])).toEqual(['Colour:Ink 1', 'Colour:Oat 2', 'Size:Large 3', 'Size:Medium 3'])
    // Across the shop, by where products put a value on average: Small first (0), Large (0.25), Medium (1).
    expect(await flat(undefined)).toEqual([
      'Colour:Ink 1',
      'Colour:Oat 2',
      'Size:Small 1',
      'Size:Large 4',
      'Size:Medium 3',
    ])
  })

  it('moves a product’s values with it when it changes category', async () => {
    await changeProducts(db, { category_id: aprons }, mug)
    try {
      expect(await flat([mugs])).toEqual([])
      expect(await flat([linen, aprons])).toContain('Size:Small 1')
    } finally {
      await changeProducts(db, { category_id: mugs }, mug)
    }
    expect(await flat([mugs])).toEqual(['Size:Small 1', 'Size:Large 1'])
  })

  it('knows the category of values written before their product, as bulk loads write them', async () => {
    const bags = await createCategory(db, 'Bags')
    const [last] = await db
      .selectFrom('products')
      .select((eb) => eb.fn.max('id').as('id'))
      .execute()
    const id = Number(last?.id) + 1000
    await db.transaction().execute(async (trx) => {
      await deferForeignKeys(trx)
      const variant = await createVariantRow(trx, { product_id: id, sku: 'BAG-1', price: 2000, stock: 1 })
      await createOptionValueRow(trx, { variant_id: variant.id, product_id: id, name: 'Strap', value: 'Long' })
      await createProductRow(trx, { id, slug: 'tote', title: 'Tote', category_id: bags })
    })
    expect(await flat([bags])).toEqual(['Strap:Long 1'])
  })

  it(`stops counting at ${FACET_COUNT_CAP} and says there are more`, async () => {
    const bulk = await createCategory(db, 'Tea towels')
    for (let i = 0; i <= FACET_COUNT_CAP; i++) {
      await createTestProduct(db, {
        title: `Towel ${i}`,
        categoryId: bulk,
        optionNames: ['Colour'],
        variants: [{ sku: `TT${i}`, options: { Colour: 'Sage' }, price: 900, stock: 1 }],
      })
    }
    expect(await listingFacets(db, [bulk])).toEqual([
      { name: 'Colour', values: [{ value: 'Sage', products: FACET_COUNT_CAP, more: true }] },
    ])
  })
})
