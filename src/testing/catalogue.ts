import type { Insertable, Updateable } from 'kysely'
import type { Db } from '../db/connection.js'
import type {
  Image,
  ImagesTable,
  NewCategory,
  NewProduct,
  NewVariant,
  Product,
  ProductImage,
  ProductImagesTable,
  ProductsTable,
  Variant,
  VariantOptionValuesTable,
  VariantsTable,
} from '../db/schema.js'
import { nowIso } from '../lib/time.js'
import { insertCategory } from '../modules/catalogue/catalogue.repository.js'
import { createProduct, type NewProductInput, slugify } from '../modules/catalogue/catalogue.service.js'

let skuCounter = 0
let rowCounter = 0

/** A category with its slug made from the name, unless `overrides` give it (or a parent, or dates); returns its id. */
export async function createCategory(db: Db, name: string, overrides: Partial<NewCategory> = {}): Promise<number> {
  const now = nowIso()
  return insertCategory(db, {
    name,
    slug: slugify(name),
    parent_id: null,
    created_at: now,
    updated_at: now,
    ...overrides,
  })
}

/** An active product with one variant unless told otherwise, made by the catalogue service; returns its id. */
export async function createTestProduct(db: Db, input: Partial<NewProductInput> & { title: string }): Promise<number> {
  return createProduct(db, {
    status: 'active',
    variants: [{ sku: `TEST-${++skuCounter}`, price: 1000, stock: 5 }],
    ...input,
  })
}

/**
 * An active product of one variant — `sku`, `price` and `stock` are the variant's (£10.00 and 5 unless
 * told) — made by the catalogue service; returns the variant, which carts and orders take.
 */
export async function createTestVariant(
  db: Db,
  input: Omit<Partial<NewProductInput>, 'variants'> & { title: string; sku?: string; price?: number; stock?: number },
): Promise<Variant> {
  const { sku = `TEST-${++skuCounter}`, price = 1000, stock = 5, ...product } = input
  const productId = await createTestProduct(db, { ...product, variants: [{ sku, price, stock }] })
  return db.selectFrom('variants').selectAll().where('product_id', '=', productId).executeTakeFirstOrThrow()
}

/**
 * A product row written as it is given, without the catalogue service (no Markdown, no variants):
 * for what reads rows as an import, another process or an older version wrote them. The database's
 * triggers still keep the search index and price range. Active unless told otherwise, with a slug
 * made unique from the title.
 */
export async function createProductRow(db: Db, overrides: Partial<NewProduct> & { title: string }): Promise<Product> {
  const now = overrides.created_at ?? nowIso()
  const status = overrides.status ?? 'active'
  return db
    .insertInto('products')
    .values({
      slug: `${overrides.title.toLowerCase().replace(/\W+/g, '-')}-${++rowCounter}`,
      status,
      published_at: status === 'active' ? now : null,
      created_at: now,
      updated_at: now,
      ...overrides,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** A variant row of a product, as it is given (no option values): £10.00, the stock the table starts with. */
export async function createVariantRow(
  db: Db,
  overrides: Partial<NewVariant> & { product_id: number },
): Promise<Variant> {
  const now = nowIso()
  return db
    .insertInto('variants')
    .values({ sku: `ROW-${++rowCounter}`, price: 1000, created_at: now, updated_at: now, ...overrides })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** One option value of a variant (Size: Large), as a bulk load writes it. */
export async function createOptionValueRow(db: Db, row: Insertable<VariantOptionValuesTable>): Promise<void> {
  await db.insertInto('variant_option_values').values(row).execute()
}

/** Products changed straight in the database, as another process would (a title, status or category): the one with `id`, or all. */
export async function changeProducts(db: Db, changes: Updateable<ProductsTable>, id?: number): Promise<void> {
  let query = db.updateTable('products').set(changes)
  if (id !== undefined) query = query.where('id', '=', id)
  await query.execute()
}

/** Deletes a product straight in the database, its variants and pictures going with it by their keys. */
export async function deleteProduct(db: Db, id: number): Promise<void> {
  await db.deleteFrom('products').where('id', '=', id).execute()
}

/**
 * Variants changed straight in the database (a price, stock or sale price), as a sale in another
 * process or the owner's next edit would leave them, without the stock ledger: those matching
 * every field of `where`, or all.
 */
export async function changeVariants(
  db: Db,
  changes: Updateable<VariantsTable>,
  where: { id?: number; sku?: string; product_id?: number } = {},
): Promise<void> {
  let query = db.updateTable('variants').set(changes)
  if (where.id !== undefined) query = query.where('id', '=', where.id)
  if (where.sku !== undefined) query = query.where('sku', '=', where.sku)
  if (where.product_id !== undefined) query = query.where('product_id', '=', where.product_id)
  await query.execute()
}

/** An image's row with no files behind it, for pages that only link to its sizes: 1600 × 1200 in three widths. */
export async function createImageRow(
  db: Db,
  overrides: Partial<Insertable<ImagesTable>> & { key: string },
): Promise<Image> {
  return db
    .insertInto('images')
    .values({ width: 1600, height: 1200, widths: '[320,640,1200]', created_at: nowIso(), ...overrides })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Shows a stored image on a product, at `position` (0 is the cover). */
export async function attachImage(db: Db, row: Insertable<ProductImagesTable>): Promise<ProductImage> {
  return db.insertInto('product_images').values(row).returningAll().executeTakeFirstOrThrow()
}
