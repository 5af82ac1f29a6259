import type { Db } from '../../db/connection.js'

export async function insertApiCart(db: Db, row: { cart_id: number; token_hash: string; created_at: string }) {
  await db
    .insertInto('api_carts')
    .values({ ...row, updated_at: row.created_at })
    .execute()
}

/** The cart a token opens, and the checkout chosen on it so far (JSON). */
export async function selectApiCartByToken(db: Db, tokenHash: string) {
  return db
    .selectFrom('api_carts')
    .select(['cart_id', 'checkout'])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst()
}

export async function updateApiCartCheckout(db: Db, cartId: number, checkout: string, now: string): Promise<void> {
  await db.updateTable('api_carts').set({ checkout, updated_at: now }).where('cart_id', '=', cartId).execute()
}
