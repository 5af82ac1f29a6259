import type { Db } from '../../db/connection.js'

export async function selectCart(db: Db, id: number) {
  return db.selectFrom('carts').select(['id', 'user_id']).where('id', '=', id).executeTakeFirst()
}

export async function selectCartIdOfUser(db: Db, userId: number): Promise<number | undefined> {
  const row = await db.selectFrom('carts').select('id').where('user_id', '=', userId).executeTakeFirst()
  return row?.id
}

export async function insertCart(db: Db, userId: number | null, now: string): Promise<number> {
  const row = await db
    .insertInto('carts')
    .values({ user_id: userId, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function touchCart(db: Db, id: number, now: string): Promise<void> {
  await db.updateTable('carts').set({ updated_at: now }).where('id', '=', id).execute()
}

export async function deleteCart(db: Db, id: number): Promise<void> {
  await db.deleteFrom('carts').where('id', '=', id).execute()
}

/** What adding a variant needs to know: whether it is for sale, and how many are left. */
export async function selectVariantForCart(db: Db, variantId: number) {
  return db
    .selectFrom('variants as v')
    .innerJoin('products as p', 'p.id', 'v.product_id')
    .select([
      'v.id',
      'v.options',
      'v.stock',
      'v.track_stock',
      'v.allow_backorder',
      'p.id as product_id',
      'p.slug',
      'p.title',
      'p.status',
    ])
    .where('v.id', '=', variantId)
    .executeTakeFirst()
}

export async function selectLine(db: Db, cartId: number, lineId: number) {
  return db
    .selectFrom('cart_lines')
    .select(['id', 'variant_id', 'quantity'])
    .where('cart_id', '=', cartId)
    .where('id', '=', lineId)
    .executeTakeFirst()
}

export async function selectLineOfVariant(db: Db, cartId: number, variantId: number) {
  return db
    .selectFrom('cart_lines')
    .select(['id', 'quantity'])
    .where('cart_id', '=', cartId)
    .where('variant_id', '=', variantId)
    .executeTakeFirst()
}

export async function insertLine(db: Db, cartId: number, variantId: number, quantity: number, now: string) {
  await db
    .insertInto('cart_lines')
    .values({ cart_id: cartId, variant_id: variantId, quantity, created_at: now, updated_at: now })
    .execute()
}

export async function updateLineQuantity(db: Db, lineId: number, quantity: number, now: string): Promise<void> {
  await db.updateTable('cart_lines').set({ quantity, updated_at: now }).where('id', '=', lineId).execute()
}

export async function deleteLine(db: Db, lineId: number): Promise<void> {
  await db.deleteFrom('cart_lines').where('id', '=', lineId).execute()
}

export async function countItems(db: Db, cartId: number): Promise<number> {
  const row = await db
    .selectFrom('cart_lines')
    .select((eb) => eb.fn.sum<number>('quantity').as('items'))
    .where('cart_id', '=', cartId)
    .executeTakeFirst()
  return Number(row?.items ?? 0)
}

/** The cart's lines with the catalogue as it is now: price, stock, whether still for sale, and the cover image. */
export async function selectCartLines(db: Db, cartId: number) {
  return db
    .selectFrom('cart_lines as l')
    .innerJoin('variants as v', 'v.id', 'l.variant_id')
    .innerJoin('products as p', 'p.id', 'v.product_id')
    .leftJoin('product_images as pi', (join) => join.onRef('pi.product_id', '=', 'p.id').on('pi.position', '=', 0))
    .leftJoin('images as i', 'i.id', 'pi.image_id')
    .select([
      'l.id',
      'l.quantity',
      'v.id as variant_id',
      'v.sku',
      'v.options',
      'v.price',
      'v.compare_at_price',
      'v.stock',
      'v.track_stock',
      'v.allow_backorder',
      'p.id as product_id',
      'p.slug',
      'p.title',
      'p.status',
      'p.category_id',
      'pi.alt as image_alt',
      'i.key as image_key',
      'i.width as image_width',
      'i.height as image_height',
      'i.widths as image_widths',
    ])
    .where('l.cart_id', '=', cartId)
    .orderBy('l.id')
    .execute()
}

export async function selectLinesOfCart(db: Db, cartId: number) {
  return db.selectFrom('cart_lines').select(['id', 'variant_id', 'quantity']).where('cart_id', '=', cartId).execute()
}

export async function moveLine(db: Db, lineId: number, toCartId: number, now: string): Promise<void> {
  await db.updateTable('cart_lines').set({ cart_id: toCartId, updated_at: now }).where('id', '=', lineId).execute()
}

/** The variant an app names by SKU (SKUs are unique), whether or not it is for sale: addToCart says that. */
export async function selectVariantIdBySku(db: Db, sku: string): Promise<number | undefined> {
  const row = await db.selectFrom('variants').select('id').where('sku', '=', sku).executeTakeFirst()
  return row?.id
}
