import type { Insertable, Updateable } from 'kysely'
import { batches } from '../../db/batches.js'
import type { Db } from '../../db/connection.js'
import { skipLocked } from '../../db/dialect/index.js'
import type { NewProduct, NewVariant, ProductImportsTable } from '../../db/schema.js'
import { insertCatalogueRows } from '../catalogue/catalogue.repository.js'

/** The catalogue as an import sees it: variants with their product's address. */
function selectImportVariants(db: Db) {
  return db
    .selectFrom('variants as v')
    .innerJoin('products as p', 'p.id', 'v.product_id')
    .select([
      'v.id',
      'v.product_id',
      'p.slug as product_slug',
      'v.sku',
      'v.options',
      'v.price',
      'v.compare_at_price',
      'v.stock',
      'v.track_stock',
      'v.allow_backorder',
      'v.position',
    ])
}

export async function selectVariantsBySku(db: Db, skus: readonly string[]) {
  if (skus.length === 0) return []
  return selectImportVariants(db).where('v.sku', 'in', skus).execute()
}

export async function selectVariantsOfProducts(db: Db, productIds: readonly number[]) {
  if (productIds.length === 0) return []
  return selectImportVariants(db)
    .where('v.product_id', 'in', productIds)
    .orderBy('v.product_id')
    .orderBy('v.position')
    .orderBy('v.id')
    .execute()
}

export async function selectProductsBySlug(db: Db, slugs: readonly string[]) {
  if (slugs.length === 0) return []
  return db
    .selectFrom('products')
    .select([
      'id',
      'slug',
      'title',
      'status',
      'category_id',
      'tax_class',
      'description_md',
      'seo_title',
      'seo_description',
      'attributes',
      'option_names',
      'published_at',
    ])
    .where('slug', 'in', slugs)
    .execute()
}

/** Of these addresses, those that are a product's old address, with the product's current one. */
export async function selectRedirectedSlugs(db: Db, slugs: readonly string[]) {
  if (slugs.length === 0) return []
  return db
    .selectFrom('product_slugs as s')
    .innerJoin('products as p', 'p.id', 's.product_id')
    .select(['s.slug', 'p.slug as product_slug'])
    .where('s.slug', 'in', slugs)
    .execute()
}

export async function selectCategorySlugs(db: Db) {
  return db.selectFrom('categories').select(['id', 'slug']).execute()
}

/** Inserts products many to a statement; their ids by slug. */
export async function insertProducts(db: Db, products: readonly NewProduct[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>()
  for (const batch of batches(products)) {
    const rows = await db.insertInto('products').values(batch).returning(['id', 'slug']).execute()
    for (const row of rows) ids.set(row.slug, row.id)
  }
  return ids
}

/** Inserts variants and their option values many to a statement; their ids by SKU. */
export async function insertVariants(
  db: Db,
  variants: readonly (NewVariant & { optionValues: Record<string, string> })[],
): Promise<Map<string, number>> {
  const ids = new Map<string, number>()
  for (const batch of batches(variants)) {
    const rows = await db
      .insertInto('variants')
      .values(batch.map(({ optionValues: _, ...variant }) => variant))
      .returning(['id', 'sku'])
      .execute()
    for (const row of rows) ids.set(row.sku, row.id)
    const values = batch.flatMap((v) =>
      Object.entries(v.optionValues).map(([name, value]) => ({
        variant_id: ids.get(v.sku) as number,
        product_id: v.product_id,
        name,
        value,
      })),
    )
    await insertCatalogueRows(db, 'variant_option_values', values)
  }
  return ids
}

export async function insertImport(db: Db, row: Insertable<ProductImportsTable>, csv: string): Promise<number> {
  const inserted = await db.insertInto('product_imports').values(row).returning('id').executeTakeFirstOrThrow()
  await db.insertInto('product_import_files').values({ import_id: inserted.id, csv }).execute()
  return inserted.id
}

/**
 * Imports checked (or given up on) and not applied since `before` become
 * expired and lose their file; the report stays. The status is changed
 * first, guarded, so an import being applied right now is left alone.
 * Returns how many expired.
 */
export async function expireImports(db: Db, before: string, now: string, notice: string): Promise<number> {
  const expired = await db
    .updateTable('product_imports')
    .set({ status: 'expired', notice, updated_at: now })
    .where('status', 'in', ['checked', 'failed'])
    .where('updated_at', '<', before)
    .returning('id')
    .execute()
  if (expired.length === 0) return 0
  await db
    .deleteFrom('product_import_files')
    .where(
      'import_id',
      'in',
      expired.map((row) => row.id),
    )
    .execute()
  return expired.length
}

/** An applied import keeps its report, not its file. */
export async function deleteImportFile(db: Db, id: number): Promise<void> {
  await db.deleteFrom('product_import_files').where('import_id', '=', id).execute()
}

/** An import without its file: the status page reads this every two seconds. */
export async function selectImport(db: Db, id: number) {
  return db
    .selectFrom('product_imports as i')
    .leftJoin('users as u', 'u.id', 'i.applied_by')
    .select([
      'i.id',
      'i.file_name',
      'i.file_size',
      'i.status',
      'i.rows_total',
      'i.rows_checked',
      'i.error_count',
      'i.report',
      'i.plan_hash',
      'i.notice',
      'i.created_at',
      'i.checked_at',
      'i.applied_at',
      'u.name as applied_by_name',
    ])
    .where('i.id', '=', id)
    .executeTakeFirst()
}

/** The file and what applying it needs. */
export async function selectImportFile(db: Db, id: number) {
  return db
    .selectFrom('product_imports as i')
    .innerJoin('product_import_files as f', 'f.import_id', 'i.id')
    .select(['i.id', 'i.file_name', 'f.csv', 'i.status', 'i.plan_hash', 'i.applied_by', 'i.claimed_by'])
    .where('i.id', '=', id)
    .executeTakeFirst()
}

/**
 * Takes the oldest import waiting to be checked or applied whose claim is
 * free or has run out (its process died), in one guarded statement, so two
 * processes never work on the same import.
 */
export async function claimNextImport(db: Db, claim: { token: string; now: string; lockedUntil: string }) {
  return db
    .updateTable('product_imports')
    .set((eb) => ({
      claimed_by: claim.token,
      locked_until: claim.lockedUntil,
      attempts: eb('attempts', '+', 1),
      updated_at: claim.now,
    }))
    .where('id', '=', (eb) =>
      skipLocked(
        db,
        eb
          .selectFrom('product_imports')
          .select('id')
          .where('status', 'in', ['checking', 'applying'])
          .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<', claim.now)]))
          .orderBy('id')
          .limit(1),
      ),
    )
    .where('status', 'in', ['checking', 'applying'])
    .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<', claim.now)]))
    .returning(['id', 'status', 'attempts'])
    .executeTakeFirst()
}

/** Writes progress and extends the claim; false when another process has taken the import over. */
export async function saveProgress(
  db: Db,
  id: number,
  claim: { token: string; lockedUntil: string },
  progress: { rowsChecked: number; now: string },
): Promise<boolean> {
  const result = await db
    .updateTable('product_imports')
    .set({ rows_checked: progress.rowsChecked, locked_until: claim.lockedUntil, updated_at: progress.now })
    .where('id', '=', id)
    .where('claimed_by', '=', claim.token)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Ends a claim with these changes; false when another process holds the import now. */
export async function finishClaim(
  db: Db,
  id: number,
  token: string,
  changes: Updateable<ProductImportsTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('product_imports')
    .set({ ...changes, claimed_by: null, locked_until: null })
    .where('id', '=', id)
    .where('claimed_by', '=', token)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Extends a claim on an import being applied, inside the applying transaction. */
export async function holdClaim(db: Db, id: number, token: string, lockedUntil: string): Promise<boolean> {
  const result = await db
    .updateTable('product_imports')
    .set({ locked_until: lockedUntil })
    .where('id', '=', id)
    .where('status', '=', 'applying')
    .where('claimed_by', '=', token)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/**
 * Queues a checked import with no errors for applying, once: only from
 * checked, so a second press of the button (or a second tab) does nothing.
 */
export async function queueApplication(
  db: Db,
  id: number,
  values: { appliedBy: number; claimedBy: string | null; lockedUntil: string | null; now: string },
): Promise<boolean> {
  const result = await db
    .updateTable('product_imports')
    .set({
      status: 'applying',
      applied_by: values.appliedBy,
      claimed_by: values.claimedBy,
      locked_until: values.lockedUntil,
      attempts: 0,
      notice: null,
      updated_at: values.now,
    })
    .where('id', '=', id)
    .where('status', '=', 'checked')
    .where('error_count', '=', 0)
    .where('plan_hash', 'is not', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}
