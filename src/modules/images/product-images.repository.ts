import type { Db } from '../../db/connection.js'

export async function selectProductForImages(db: Db, productId: number) {
  return db
    .selectFrom('products')
    .select(['id', 'title', 'slug', 'status'])
    .where('id', '=', productId)
    .executeTakeFirst()
}

/** One product picture with its product's title and its file key. */
export async function selectProductImage(db: Db, id: number) {
  return db
    .selectFrom('product_images as pi')
    .innerJoin('images as i', 'i.id', 'pi.image_id')
    .innerJoin('products as p', 'p.id', 'pi.product_id')
    .select(['pi.id', 'pi.product_id', 'pi.alt', 'pi.position', 'i.key', 'i.width', 'i.height', 'i.widths', 'p.title'])
    .where('pi.id', '=', id)
    .executeTakeFirst()
}

export async function insertProductImages(
  db: Db,
  rows: readonly { product_id: number; image_id: number; position: number; alt: string }[],
): Promise<void> {
  if (rows.length === 0) return
  await db.insertInto('product_images').values(rows).execute()
}

export async function updateProductImageRow(db: Db, id: number, changes: { alt?: string; position?: number }) {
  await db.updateTable('product_images').set(changes).where('id', '=', id).execute()
}

export async function deleteProductImageRow(db: Db, id: number): Promise<void> {
  await db.deleteFrom('product_images').where('id', '=', id).execute()
}

/** Marks the product changed, for the sitemap's dates and anything else that follows updated_at. */
export async function touchProduct(db: Db, productId: number, now: string): Promise<void> {
  await db.updateTable('products').set({ updated_at: now }).where('id', '=', productId).execute()
}
